"""TextField: an Input that takes its editing keys in the order they were typed."""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class TextField(Input):
    """An Input whose own keys (home, end, backspace, ctrl+a, ctrl+k, enter...) act at once.

    Textual runs a key's binding only once the key has bubbled from the field up to the app,
    while a printable key goes straight into the field: typed fast (or pasted by a terminal
    multiplexer, or sent over a slow SSH link in one packet), "ctrl+a 0.5" put "0.5" at the end
    and then moved the cursor home. Here the field's own bindings run as its keys arrive.
    Priority bindings (the app's ctrl+q, f-keys) have been checked before a key reaches it.
    """

    async def _on_key(self, event: events.Key) -> None:
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if not binding.priority and await self.app.run_action(binding.action, self):
                event.stop()
                event.prevent_default()  # Input's own handler and the bubbling are done with
                return

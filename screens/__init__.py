"""The app's screens, one module per Textual Screen."""

"""The terminal side of backprop-tui: the Textual app, its widgets and worker, and the CLI.

Importing this package loads nothing heavy: ``backprop-tui train`` never imports Textual.
"""

"""IHP Navigator: NLU components, renderer and channels that run inside the Rasa server."""

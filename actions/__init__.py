"""Custom actions for IHP Navigator (run by the Rasa action server)."""

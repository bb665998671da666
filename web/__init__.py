"""The web app (port 8000): printable roadmaps now; the widget and the staff console will live here."""

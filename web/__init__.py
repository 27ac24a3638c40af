"""The web app: server-rendered Norwegian pages (progressive JS) and the JSON API."""

"""Widgets shared by the step screens: sidebar, request preview, validators."""

"""Renderers: each turns a Document into one output format and decides no content.

Floor: output. Must not import from the floors above (phrases and up).
"""

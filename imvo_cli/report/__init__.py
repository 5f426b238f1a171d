"""Renderers: rich tables and trees, JSON documents, JUnit, GitHub annotations, markdown."""

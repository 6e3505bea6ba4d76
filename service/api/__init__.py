"""The HTTP edge: FastAPI routes that translate to and from the core in service.analysis."""

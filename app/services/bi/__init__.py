"""The read-only BI export behind /api/v1: resources (rows, JSON schemas, queries), keyset
pages and cursors. The web layer (app/web/api) adds token checks and the OpenAPI document."""

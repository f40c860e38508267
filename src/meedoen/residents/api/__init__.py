"""REST API for resident dossiers: serializers, viewsets and filters (mounted in meedoen.api.urls)."""

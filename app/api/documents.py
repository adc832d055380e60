"""stub"""
from app.api.base import ApiBlueprint

blp = ApiBlueprint("documents", __name__, url_prefix="/api/v1/documents")

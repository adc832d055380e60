"""stub"""
from app.api.base import ApiBlueprint

blp = ApiBlueprint("revisions", __name__, url_prefix="/api/v1/revisions")

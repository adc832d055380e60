"""stub"""
from app.api.base import ApiBlueprint

blp = ApiBlueprint("links", __name__, url_prefix="/api/v1/links")

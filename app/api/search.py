"""stub"""
from app.api.base import ApiBlueprint

blp = ApiBlueprint("search", __name__, url_prefix="/api/v1/search")

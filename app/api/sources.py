"""stub"""
from app.api.base import ApiBlueprint

blp = ApiBlueprint("sources", __name__, url_prefix="/api/v1/sources")

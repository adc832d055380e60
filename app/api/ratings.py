"""stub"""
from app.api.base import ApiBlueprint

blp = ApiBlueprint("ratings", __name__, url_prefix="/api/v1/ratings")

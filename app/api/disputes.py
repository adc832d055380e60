"""stub"""
from app.api.base import ApiBlueprint

blp = ApiBlueprint("disputes", __name__, url_prefix="/api/v1/disputes")

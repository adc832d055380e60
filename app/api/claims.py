"""stub"""
from app.api.base import ApiBlueprint

blp = ApiBlueprint("claims", __name__, url_prefix="/api/v1/claims")

"""stub"""
from app.api.base import ApiBlueprint

blp = ApiBlueprint("quotes", __name__, url_prefix="/api/v1/quotes")

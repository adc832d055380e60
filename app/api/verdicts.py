"""stub"""
from app.api.base import ApiBlueprint

blp = ApiBlueprint("verdicts", __name__, url_prefix="/api/v1/verdicts")

"""Domain model: events, disputes, sources, documents, claims, quotes, links,
verdicts with versions and evidence, revisions, users and API tokens; the rating scale.

Revision ID: 0001
Revises: 
Create Date: 2026-11-24 21:32:51.357182

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=True),
    sa.Column('date_precision', sa.Enum('day', 'month', 'approximate', name='date_precision', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lock_version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events')),
    sa.UniqueConstraint('slug', name=op.f('uq_events_slug'))
    )
    op.create_table('rating_scale',
    sa.Column('value', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('label', sa.String(length=60), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('value', name=op.f('pk_rating_scale')),
    sa.UniqueConstraint('label', name=op.f('uq_rating_scale_label'))
    )
    op.create_table('sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.Enum('person', 'outlet', 'organisation', 'government_body', 'document', 'anonymous', name='source_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lock_version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('parent_id IS NULL OR parent_id <> id', name=op.f('ck_sources_not_own_parent')),
    sa.ForeignKeyConstraint(['parent_id'], ['sources.id'], name=op.f('fk_sources_parent_id_sources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sources')),
    sa.UniqueConstraint('slug', name=op.f('uq_sources_slug'))
    )
    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sources_parent_id'), ['parent_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.Enum('reader', 'journalist', 'editor', 'admin', name='role', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lock_version', sa.Integer(), server_default='1', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('disputes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('question', sa.String(length=500), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('state', sa.Enum('open', 'contested', 'conceded', 'corrected', 'resolved', 'unresolvable', name='dispute_state', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lock_version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_disputes_event_id_events')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disputes')),
    sa.UniqueConstraint('slug', name=op.f('uq_disputes_slug'))
    )
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disputes_event_id'), ['event_id'], unique=False)
        batch_op.create_index('ix_disputes_state_updated', ['state', 'updated_at', 'id'], unique=False)

    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('publisher_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('text_sha256', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lock_version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['publisher_id'], ['sources.id'], name=op.f('fk_documents_publisher_id_sources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    sa.UniqueConstraint('url', name=op.f('uq_documents_url'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_publisher_id'), ['publisher_id'], unique=False)

    op.create_table('revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity_type', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.Enum('create', 'update', 'delete', 'restore', name='revision_action', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('before', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('after', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_revisions_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_revisions'))
    )
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revisions_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_revisions_at'), ['at'], unique=False)
        batch_op.create_index('ix_revisions_entity', ['entity_type', 'entity_id', 'id'], unique=False)

    op.create_table('claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dispute_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('claimant_id', sa.Integer(), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('kind', sa.Enum('attributed_quote', 'factual_assertion', 'numeric_figure', 'characterisation', 'denial', name='claim_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('sourcing_level', sa.Enum('on_record', 'on_background', 'anonymous', 'documentary', name='sourcing_level', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('independent_sources', sa.Integer(), nullable=False),
    sa.Column('stated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('stated_precision', sa.Enum('day', 'month', 'approximate', name='stated_precision', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('first_appearance_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lock_version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('independent_sources >= 0', name=op.f('ck_claims_independent_sources_non_negative')),
    sa.ForeignKeyConstraint(['claimant_id'], ['sources.id'], name=op.f('fk_claims_claimant_id_sources')),
    sa.ForeignKeyConstraint(['dispute_id'], ['disputes.id'], name=op.f('fk_claims_dispute_id_disputes')),
    sa.ForeignKeyConstraint(['first_appearance_id'], ['documents.id'], name=op.f('fk_claims_first_appearance_id_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claims'))
    )
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claims_claimant_id'), ['claimant_id'], unique=False)
        batch_op.create_index('ix_claims_dispute_position', ['dispute_id', 'position', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_claims_first_appearance_id'), ['first_appearance_id'], unique=False)

    op.create_table('document_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('captured_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('captured_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['captured_by_id'], ['users.id'], name=op.f('fk_document_snapshots_captured_by_id_users')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_snapshots_document_id_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_snapshots'))
    )
    with op.batch_alter_table('document_snapshots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_snapshots_document_id'), ['document_id'], unique=False)

    op.create_table('claim_appearances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_appearances_claim_id_claims')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_claim_appearances_document_id_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_appearances')),
    sa.UniqueConstraint('claim_id', 'document_id', name=op.f('uq_claim_appearances_claim_id_document_id'))
    )
    with op.batch_alter_table('claim_appearances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_appearances_document_id'), ['document_id'], unique=False)

    op.create_table('claim_attributions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('relation', sa.String(length=60), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_attributions_claim_id_claims')),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_claim_attributions_source_id_sources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_attributions')),
    sa.UniqueConstraint('claim_id', 'position', name=op.f('uq_claim_attributions_claim_id_position'))
    )
    with op.batch_alter_table('claim_attributions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_attributions_source_id'), ['source_id'], unique=False)

    op.create_table('quotes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('speaker_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('exact', sa.Text(), nullable=False),
    sa.Column('prefix', sa.Text(), nullable=False),
    sa.Column('suffix', sa.Text(), nullable=False),
    sa.Column('integrity', sa.Enum('verbatim', 'altered', 'not_found', 'unchecked', name='quote_integrity', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('closest_match', sa.Text(), nullable=True),
    sa.Column('diff', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('checked_sha256', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lock_version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('length(exact) > 0', name=op.f('ck_quotes_exact_not_empty')),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_quotes_claim_id_claims')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_quotes_document_id_documents')),
    sa.ForeignKeyConstraint(['speaker_id'], ['sources.id'], name=op.f('fk_quotes_speaker_id_sources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quotes'))
    )
    with op.batch_alter_table('quotes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quotes_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quotes_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quotes_speaker_id'), ['speaker_id'], unique=False)

    op.create_table('verdicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'published', 'withdrawn', name='verdict_state', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('rating_value', sa.Integer(), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('current_version', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lock_version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_verdicts_author_id_users')),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_verdicts_claim_id_claims')),
    sa.ForeignKeyConstraint(['rating_value'], ['rating_scale.value'], name=op.f('fk_verdicts_rating_value_rating_scale')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verdicts'))
    )
    with op.batch_alter_table('verdicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_verdicts_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_verdicts_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index('ix_verdicts_feed', ['updated_at', 'id'], unique=False)
        batch_op.create_index('ix_verdicts_state_feed', ['state', 'updated_at', 'id'], unique=False)

    op.create_table('links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('from_claim_id', sa.Integer(), nullable=False),
    sa.Column('to_claim_id', sa.Integer(), nullable=False),
    sa.Column('type', sa.Enum('denies', 'contradicts', 'supports', 'corroborates', 'corrects', 'retracts', 'repeats', 'narrows', name='link_type', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('scope', sa.Enum('claim', 'quote', name='link_scope', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('scope_quote_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lock_version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("(scope = 'quote' AND scope_quote_id IS NOT NULL) OR (scope = 'claim' AND scope_quote_id IS NULL)", name=op.f('ck_links_scope_quote_matches_scope')),
    sa.CheckConstraint('from_claim_id <> to_claim_id', name=op.f('ck_links_not_self')),
    sa.ForeignKeyConstraint(['from_claim_id'], ['claims.id'], name=op.f('fk_links_from_claim_id_claims')),
    sa.ForeignKeyConstraint(['scope_quote_id'], ['quotes.id'], name=op.f('fk_links_scope_quote_id_quotes')),
    sa.ForeignKeyConstraint(['to_claim_id'], ['claims.id'], name=op.f('fk_links_to_claim_id_claims')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_links'))
    )
    with op.batch_alter_table('links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_links_from_claim_id'), ['from_claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_links_scope_quote_id'), ['scope_quote_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_links_to_claim_id'), ['to_claim_id'], unique=False)

    op.create_table('verdict_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('verdict_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'published', 'withdrawn', name='version_state', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('rating_value', sa.Integer(), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('number = 1 OR length(reason) > 0', name=op.f('ck_verdict_versions_later_versions_have_reason')),
    sa.CheckConstraint('number >= 1', name=op.f('ck_verdict_versions_number_positive')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_verdict_versions_author_id_users')),
    sa.ForeignKeyConstraint(['rating_value'], ['rating_scale.value'], name=op.f('fk_verdict_versions_rating_value_rating_scale')),
    sa.ForeignKeyConstraint(['verdict_id'], ['verdicts.id'], name=op.f('fk_verdict_versions_verdict_id_verdicts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verdict_versions')),
    sa.UniqueConstraint('verdict_id', 'number', name=op.f('uq_verdict_versions_verdict_id_number'))
    )
    op.create_table('verdict_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('stance', sa.Enum('supports', 'refutes', name='stance', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.CheckConstraint('(claim_id IS NULL) <> (document_id IS NULL)', name=op.f('ck_verdict_evidence_one_target')),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_verdict_evidence_claim_id_claims')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_verdict_evidence_document_id_documents')),
    sa.ForeignKeyConstraint(['version_id'], ['verdict_versions.id'], name=op.f('fk_verdict_evidence_version_id_verdict_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verdict_evidence'))
    )
    with op.batch_alter_table('verdict_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_verdict_evidence_version_id'), ['version_id'], unique=False)

    # The one rating scale (see app/models/enums.py RATING_SCALE). Written out here, not
    # imported, so this migration means the same thing forever.
    rating_scale = sa.table(
        "rating_scale",
        sa.column("value", sa.Integer),
        sa.column("label", sa.String),
        sa.column("description", sa.Text),
    )
    op.bulk_insert(
        rating_scale,
        [
            {"value": 1, "label": "False",
             "description": "The claim is contradicted by the evidence."},
            {"value": 2, "label": "Misleading",
             "description": "Contains some accurate elements but leaves a false impression."},
            {"value": 3, "label": "Unsupported",
             "description": "Not confirmed and not refuted by the available evidence."},
            {"value": 4, "label": "Mostly accurate",
             "description": "Accurate in substance, with a minor error or missing context."},
            {"value": 5, "label": "Accurate", "description": "Confirmed by the evidence."},
        ],
    )


def downgrade():
    with op.batch_alter_table('verdict_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_verdict_evidence_version_id'))

    op.drop_table('verdict_evidence')
    op.drop_table('verdict_versions')
    with op.batch_alter_table('links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_links_to_claim_id'))
        batch_op.drop_index(batch_op.f('ix_links_scope_quote_id'))
        batch_op.drop_index(batch_op.f('ix_links_from_claim_id'))

    op.drop_table('links')
    with op.batch_alter_table('verdicts', schema=None) as batch_op:
        batch_op.drop_index('ix_verdicts_state_feed')
        batch_op.drop_index('ix_verdicts_feed')
        batch_op.drop_index(batch_op.f('ix_verdicts_claim_id'))
        batch_op.drop_index(batch_op.f('ix_verdicts_author_id'))

    op.drop_table('verdicts')
    with op.batch_alter_table('quotes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quotes_speaker_id'))
        batch_op.drop_index(batch_op.f('ix_quotes_document_id'))
        batch_op.drop_index(batch_op.f('ix_quotes_claim_id'))

    op.drop_table('quotes')
    with op.batch_alter_table('claim_attributions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_attributions_source_id'))

    op.drop_table('claim_attributions')
    with op.batch_alter_table('claim_appearances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_appearances_document_id'))

    op.drop_table('claim_appearances')
    with op.batch_alter_table('document_snapshots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_snapshots_document_id'))

    op.drop_table('document_snapshots')
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claims_first_appearance_id'))
        batch_op.drop_index('ix_claims_dispute_position')
        batch_op.drop_index(batch_op.f('ix_claims_claimant_id'))

    op.drop_table('claims')
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.drop_index('ix_revisions_entity')
        batch_op.drop_index(batch_op.f('ix_revisions_at'))
        batch_op.drop_index(batch_op.f('ix_revisions_actor_id'))

    op.drop_table('revisions')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_publisher_id'))

    op.drop_table('documents')
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.drop_index('ix_disputes_state_updated')
        batch_op.drop_index(batch_op.f('ix_disputes_event_id'))

    op.drop_table('disputes')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    op.drop_table('users')
    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sources_parent_id'))

    op.drop_table('sources')
    op.drop_table('rating_scale')
    op.drop_table('events')

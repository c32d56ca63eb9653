"""The bootstrapped estimands of one analysis, their values from batches of fits, their influence.

The estimands are those of the core tables (analysis.run_analysis): each model's exposure log-ORs,
the stratum log-ORs (stratum models and product-model combinations), the joint-cell log-ORs, the
interaction measures of the product model (ratio of ORs; for non-<outcome> against the reference
cell the joint log-ORs, RERI, AP, ln S, standardised risks, IC, RERI_RR, AP_RR and ln S_RR) and the
exposure's simple slopes. Like the model-based intervals, the bootstrap holds fixed the dataset's
cut-points and modifier scale, the modifier values of the slopes and the reference cell (held, or
the full sample's choice: interaction.reference), so that every replicate estimates the same
quantity as the full sample.

A Sample holds model terms as arrays: (n,) shared by all replicates, which differ by frequency
weights (R, n) — complete-data bootstrap — or (R, n) per imputed resample with unit weights.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import special

from interplay.analysis import fit as analysis
from interplay.interaction import joint, slopes
from interplay.interaction import measures as ia
from interplay.models import logistic as models
from interplay.models.batched import (
    BatchFit,
    WeightedDesign,
    fit_stacked,
    fit_weighted,
    linear_predictor,
    weighted_design,
)
from interplay.pair import MODIFIER

NON_REMISSION = -1  # the interaction measures describe the complement of the modelled outcome
SLOPE_GROUP = "slope"


@dataclass(frozen=True)
class Estimand:
    """One bootstrapped quantity: its table and row (group, term); ORs live on the log scale."""

    table: str
    group: str
    term: str
    log_scale: bool

    @property
    def column(self) -> str:
        """Its column name in replicate files."""
        return f"{self.table}/{self.group}/{self.term}"


@dataclass(frozen=True)
class ModelSpec:
    """A model to fit in every replicate: its terms and, for stratum models, (column, level)."""

    name: str
    terms: list[str]
    stratum: tuple[str, int] | None = None


@dataclass(frozen=True)
class LinearEstimand:
    """An estimand that is a fixed linear combination of one model's coefficients."""

    estimand: Estimand
    model: str
    weights: np.ndarray


@dataclass(frozen=True)
class Blueprint:
    """Everything one analysis bootstraps: the models and how estimands derive from them."""

    specs: list[ModelSpec]
    linear: list[LinearEstimand]
    reference: ia.Cell
    exposures: list[str]

    @property
    def nonlinear(self) -> list[Estimand]:
        """RERI, AP, ln S, the standardised risks, IC, RERI_RR, AP_RR and ln S_RR (in
        estimand_values' order)."""
        names = [cell_risk_name(c, self.exposures) for c in ia.CELLS]
        return [
            Estimand("interaction", "additive", "reri", False),
            Estimand("interaction", "additive", "ap", False),
            Estimand("interaction", "additive", "s", True),
            *[Estimand("interaction", "risk", name, False) for name in names],
            *[
                Estimand("interaction", "additive_risk", name, name == "s_rr")
                for name in ia.RISK_SCALE_MEASURES
            ],
        ]

    @property
    def estimands(self) -> list[Estimand]:
        """Every estimand, in the column order of estimand_values."""
        return [item.estimand for item in self.linear] + self.nonlinear

    @property
    def sources(self) -> list[str]:
        """The model each estimand of `estimands` is computed from."""
        return [item.model for item in self.linear] + ["product"] * len(self.nonlinear)


@dataclass(frozen=True)
class Sample:
    """Model-term atoms (n,) or (R, n), the outcome (n,) or (R, n) and frequency weights (R, n)."""

    atoms: Mapping[str, np.ndarray]
    outcome: np.ndarray
    weights: np.ndarray


def cell_risk_name(cell: ia.Cell, exposures: list[str]) -> str:
    """The interaction table's name of a cell's standardised risk."""
    return f"risk_{ia.cell_name(cell, exposures)}"


def model_specs(plan: analysis.Plan) -> list[ModelSpec]:
    """The models of run_analysis: whole-sample, stratum and joint-category models."""
    specs = [ModelSpec(m, analysis.plan_terms(plan, m)) for m in analysis.WHOLE_SAMPLE_MODELS]
    for name, (exposure, modifier, level) in analysis.STRATA.items():
        terms = models.model_terms([exposure], plan.covariates)
        specs.append(ModelSpec(f"stratum_{name}", terms, (modifier, level)))
    reference = analysis.joint_reference(plan)
    cells = [c for c in joint.joint_cells(plan.joint_coding) if c != reference]
    joint_terms = [joint.joint_term(c, plan.joint_coding) for c in cells]
    specs.append(ModelSpec("joint", models.model_terms(joint_terms, plan.covariates)))
    return specs


def unit_weights(terms: list[str], weights: Mapping[str, float]) -> np.ndarray:
    """The coefficient vector of Σ w·β over the model's terms."""
    vector = np.zeros(len(terms))
    for term, weight in weights.items():
        vector[terms.index(term)] = weight
    return vector


def slope_points(dataset: pd.DataFrame, plan: analysis.Plan) -> np.ndarray:
    """modifier_scaled values of the slopes table's rows, in its order (slopes.slope_parts)."""
    modifier = plan.pair.modifier
    scale = slopes.variable_scale(dataset, modifier)
    parts = slopes.slope_parts(slopes.observed(dataset, MODIFIER), modifier, plan.percentiles)
    return scale.scaled(np.concatenate([values for values, _ in parts]))


def model_table_estimands(plan: analysis.Plan, specs: dict[str, ModelSpec]) -> list:
    """Exposure log-ORs of every model and the stratum log-ORs of the product (and, for tertiles,
    the joint) model."""
    items = []
    for name in analysis.WHOLE_SAMPLE_MODELS:
        for term in models.MODEL_EXPOSURES[name]:
            weights = unit_weights(specs[name].terms, {term: 1.0})
            items.append(LinearEstimand(Estimand("models", name, term, True), name, weights))
    for name, (exposure, _, _) in analysis.STRATA.items():
        model = f"stratum_{name}"
        weights = unit_weights(specs[model].terms, {exposure: 1.0})
        items.append(LinearEstimand(Estimand("models", model, exposure, True), model, weights))
    product_terms = specs["product"].terms
    for name, (exposure, modifier, level) in analysis.STRATA.items():
        combination = {exposure: 1.0}
        if level == 1:
            combination[models.product_term(exposure, modifier, product_terms)] = 1.0
        estimand = Estimand("models", "product_lincom", f"{exposure}|{name}", True)
        items.append(LinearEstimand(estimand, "product", unit_weights(product_terms, combination)))
    if plan.joint_coding != "split":
        for name, combination in joint.extreme_level_contrasts(plan.joint_coding).items():
            estimand = Estimand("models", "joint_lincom", name, True)
            weights = unit_weights(specs["joint"].terms, combination)
            items.append(LinearEstimand(estimand, "joint", weights))
    return items


def joint_estimands(plan: analysis.Plan, spec: ModelSpec) -> list[LinearEstimand]:
    """Log-ORs of every joint cell against the reference cell."""
    _, labels = joint.JOINT_CODINGS[plan.joint_coding]
    reference = analysis.joint_reference(plan)
    items = []
    for cell in joint.joint_cells(plan.joint_coding):
        if cell != reference:
            term = f"exposure_{labels[cell[0]]}_modifier_{labels[cell[1]]}"
            weights = unit_weights(spec.terms, {joint.joint_term(cell, plan.joint_coding): 1.0})
            items.append(LinearEstimand(Estimand("joint", "joint", term, True), "joint", weights))
    return items


def exposure_rows(terms: list[str]) -> np.ndarray:
    """(3, p) selector of the product model's (β_A, β_B, β_AB)."""
    return np.array([unit_weights(terms, {t: 1.0}) for t in analysis.PRODUCT_TERMS])


def blueprint(
    plan: analysis.Plan, dataset: pd.DataFrame, product_estimate: np.ndarray
) -> Blueprint:
    """The estimands of an analysis; the reference cell is the plan's held one, else the
    full-sample product fit's lowest-risk cell."""
    specs = {spec.name: spec for spec in model_specs(plan)}
    product_terms = specs["product"].terms
    selector = exposure_rows(product_terms)
    reference = ia.reference_cell(plan.reference.held, selector @ product_estimate)
    joint_or = ia.joint_contrasts(reference, NON_REMISSION) @ selector
    interaction = [
        LinearEstimand(
            Estimand("interaction", "multiplicative", "ratio_of_odds_ratios", True),
            "product",
            selector[2],
        ),
        *[
            LinearEstimand(Estimand("interaction", "joint_odds_ratio", name, True), "product", row)
            for name, row in zip(ia.JOINT_NAMES, joint_or, strict=True)
        ],
    ]
    continuous = specs["continuous"].terms
    product = models.product_term(slopes.EXPOSURE_TERM, slopes.MODIFIER_TERM, continuous)
    slope_items = [
        LinearEstimand(
            Estimand("slopes", SLOPE_GROUP, str(i), True),
            "continuous",
            unit_weights(continuous, {slopes.EXPOSURE_TERM: 1.0, product: z}),
        )
        for i, z in enumerate(slope_points(dataset, plan))
    ]
    return Blueprint(
        specs=list(specs.values()),
        linear=[
            *model_table_estimands(plan, specs),
            *joint_estimands(plan, specs["joint"]),
            *interaction,
            *slope_items,
        ],
        reference=reference,
        exposures=list(analysis.PRODUCT_TERMS[:2]),
    )


def term_array(atoms: Mapping[str, np.ndarray], term: str) -> np.ndarray:
    """Values of a model term from the atoms: 1, an atom, or a product of atoms."""
    if term == models.INTERCEPT:
        return np.ones_like(next(iter(atoms.values())), dtype=float)
    return np.prod([atoms[part] for part in term.split(models.PRODUCT)], axis=0)


def design(atoms: Mapping[str, np.ndarray], terms: list[str]) -> np.ndarray:
    """The design matrix (n, p), or (R, n, p) for per-replicate atoms."""
    return np.stack([term_array(atoms, term) for term in terms], axis=-1)


def stratum_mask(atoms: Mapping[str, np.ndarray], spec: ModelSpec) -> np.ndarray | None:
    """1.0 for rows in the model's stratum (None: every row)."""
    if spec.stratum is None:
        return None
    column, level = spec.stratum
    return (atoms[column] == level).astype(float)


def stratum_rows(atoms: Mapping[str, np.ndarray], spec: ModelSpec) -> np.ndarray | slice:
    """The rows of a shared sample in the model's stratum (every row: slice(None))."""
    mask = stratum_mask(atoms, spec)
    return slice(None) if mask is None else mask.astype(bool)


def shared_design(sample: Sample, spec: ModelSpec) -> WeightedDesign:
    """A model's design on a shared sample's rows in its stratum, prepared for weighted fits."""
    return weighted_design(design(sample.atoms, spec.terms)[stratum_rows(sample.atoms, spec)])


def fit_spec(
    sample: Sample, spec: ModelSpec, start: np.ndarray, prepared: WeightedDesign | None = None
) -> BatchFit:
    """Fit one model in every replicate of the sample, warm-started at start.

    prepared: the model's shared_design on this sample's rows, when already built.
    """
    if prepared is not None or sample.outcome.ndim == 1:
        rows = stratum_rows(sample.atoms, spec)
        prepared = prepared or shared_design(sample, spec)
        return fit_weighted(prepared, sample.outcome[rows], sample.weights[:, rows], start)
    matrix = design(sample.atoms, spec.terms)
    mask = stratum_mask(sample.atoms, spec)
    weights = sample.weights if mask is None else sample.weights * mask
    return fit_stacked(matrix, sample.outcome, weights, start)


def replicate_cell_risks(
    sample: Sample, bp: Blueprint, terms: list[str], beta: np.ndarray
) -> np.ndarray:
    """Standardised risks (R, 4) of non-<outcome> per cell of CELLS, weighted by the replicate."""
    risks = []
    for cell in ia.CELLS:
        atoms = dict(sample.atoms)
        for name, level in zip(bp.exposures, cell, strict=True):
            atoms[name] = np.full_like(atoms[name], level, dtype=float)
        probability = special.expit(linear_predictor(design(atoms, terms), beta))
        weights = sample.weights
        risks.append(1 - (weights * probability).sum(axis=1) / weights.sum(axis=1))
    return np.column_stack(risks)


def estimand_values(
    bp: Blueprint, coefficients: Mapping[str, np.ndarray], sample: Sample
) -> np.ndarray:
    """(R, K) values of bp.estimands from each model's coefficients (R, p) in the sample."""
    linear = [coefficients[item.model] @ item.weights for item in bp.linear]
    product_terms = next(s.terms for s in bp.specs if s.name == "product")
    beta = coefficients["product"]
    theta = (
        beta @ (ia.joint_contrasts(bp.reference, NON_REMISSION) @ exposure_rows(product_terms)).T
    )
    risks = replicate_cell_risks(sample, bp, product_terms, beta)
    ic = risks @ ia.ic_weights(bp.reference)
    risk_ratios = ia.risk_ratio_values(risks @ ia.recoding(bp.reference).T)
    return np.column_stack([*linear, ia.additive_values(theta), risks, ic, risk_ratios])


def full_sample(sample: Sample) -> Sample:
    """The sample with every row counted once (one replicate of unit weights)."""
    n = len(sample.outcome) if sample.outcome.ndim == 1 else sample.outcome.shape[1]
    return replace(sample, weights=np.ones((1, n)))


def coefficient_influence(sample: Sample, spec: ModelSpec, beta: np.ndarray) -> np.ndarray:
    """(n, p) derivatives dβ/dw_i of the MLE in each row's weight: I⁻¹ x_i (y_i − μ_i)."""
    matrix = design(sample.atoms, spec.terms)
    mask = stratum_mask(sample.atoms, spec)
    mask = np.ones(len(matrix)) if mask is None else mask
    mu = special.expit(matrix @ beta)
    information = matrix.T @ (matrix * (mask * mu * (1 - mu))[:, None])
    return (matrix * (mask * (sample.outcome - mu))[:, None]) @ np.linalg.inv(information)


def risk_influence(
    sample: Sample, bp: Blueprint, terms: list[str], beta: np.ndarray, beta_influence: np.ndarray
) -> np.ndarray:
    """(n, 4) derivatives of the non-<outcome> standardised risks in each row's weight."""
    columns = []
    for cell in ia.CELLS:
        atoms = dict(sample.atoms)
        for name, level in zip(bp.exposures, cell, strict=True):
            atoms[name] = np.full_like(atoms[name], level, dtype=float)
        matrix = design(atoms, terms)
        probability = special.expit(matrix @ beta)
        gradient = (matrix * (probability * (1 - probability))[:, None]).mean(axis=0)
        remission = (probability - probability.mean()) / len(probability)
        columns.append(-(remission + beta_influence @ gradient))
    return np.column_stack(columns)


def influence_values(
    bp: Blueprint, coefficients: Mapping[str, np.ndarray], sample: Sample
) -> np.ndarray:
    """(n, K) derivatives of each estimand in each row's frequency weight, at unit weights.

    They are the empirical influence values (up to the factor n) that give BCa's acceleration;
    the sample must be shared (atoms of shape (n,)) and coefficients (p,) full-sample MLEs.
    """
    beta_influence = {
        spec.name: coefficient_influence(sample, spec, coefficients[spec.name]) for spec in bp.specs
    }
    linear = [beta_influence[item.model] @ item.weights for item in bp.linear]
    product_terms = next(s.terms for s in bp.specs if s.name == "product")
    beta = coefficients["product"]
    contrasts = ia.joint_contrasts(bp.reference, NON_REMISSION) @ exposure_rows(product_terms)
    theta = contrasts @ beta
    theta_influence = beta_influence["product"] @ contrasts.T
    additive = theta_influence @ ia.additive_gradients(theta[None])[0].T
    risks = risk_influence(sample, bp, product_terms, beta, beta_influence["product"])
    ic = risks @ ia.ic_weights(bp.reference)
    recoding = ia.recoding(bp.reference)
    recoded = replicate_cell_risks(full_sample(sample), bp, product_terms, beta[None]) @ recoding.T
    risk_ratios = risks @ recoding.T @ ia.risk_ratio_gradients(recoded)[0].T
    return np.column_stack([*linear, additive, risks, ic, risk_ratios])

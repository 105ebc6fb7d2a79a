"""Reads that are reused or tuned."""

from dataclasses import dataclass, field
from decimal import Decimal

from appraisal.imports.frameworks import FrameworkSpec, NodeSpec
from appraisal.imports.frameworks.checks import canonical_params
from appraisal.models import Framework, FrameworkNode
from appraisal.models.choices import ScoringMode


def framework_nodes(framework: Framework) -> list[FrameworkNode]:
    """All nodes of a framework in order, with their owners: one query."""
    return list(
        FrameworkNode.objects.filter(framework=framework)
        .select_related("owner")
        .order_by("position")
    )


@dataclass
class TreeNode:
    node: FrameworkNode
    children: list["TreeNode"] = field(default_factory=list)
    survey_points: Decimal = Decimal(0)
    scored_count: int = 0


def framework_tree(framework: Framework) -> list[TreeNode]:
    """The framework as a tree of domains, with survey points and item counts per node."""
    by_id: dict[int, TreeNode] = {}
    roots: list[TreeNode] = []
    for node in framework_nodes(framework):
        tree_node = TreeNode(node)
        by_id[node.pk] = tree_node
        if node.parent_id is None:
            roots.append(tree_node)
        else:
            by_id[node.parent_id].children.append(tree_node)

    def tally(tree_node: TreeNode) -> None:
        if tree_node.node.is_leaf:
            tree_node.scored_count = 1
            if tree_node.node.scoring_mode == ScoringMode.SURVEY:
                tree_node.survey_points = tree_node.node.max_points
            return
        for child in tree_node.children:
            tally(child)
            tree_node.scored_count += child.scored_count
            tree_node.survey_points += child.survey_points

    for root in roots:
        tally(root)
    return roots


def framework_to_spec(framework: Framework) -> FrameworkSpec:
    """The framework as it would be written to a file."""
    spec = FrameworkSpec(
        code=framework.code,
        program=framework.program.code,
        level=framework.level,
        version=framework.version,
        name_vi=framework.name_vi,
        name_en=framework.name_en,
        legal_basis=framework.legal_basis,
        notice=framework.notice,
        total_points=framework.total_points,
        survey_points=framework.survey_points,
        appraised_points=framework.appraised_points,
    )
    by_id: dict[int, NodeSpec] = {}
    for node in framework_nodes(framework):
        node_spec = NodeSpec(
            code=node.code,
            name_vi=node.name_vi,
            name_en=node.name_en,
            max_points=node.max_points,
            mode=node.scoring_mode,
            method=node.scoring_method,
            params=canonical_params(node.method_params),
            guidance=node.guidance,
            owner=node.owner.code if node.owner else "",
        )
        by_id[node.pk] = node_spec
        if node.parent_id:
            parent = by_id[node.parent_id]
            node_spec.parent_code = parent.code
            parent.children.append(node_spec)
        spec.nodes.append(node_spec)
    return spec

"""Op cases: the losses of torch.nn.functional (see ../op_cases.py for the format)."""

from op_spellings import F

XY = {"x": "3x4", "y": "3x4", "F": F}
PROBS = {"p": "unit:3x4", "y": "unit:3x4", "F": F}
LOGITS = {"x": "3x4", "t": "int:3:4", "F": F}
# Fixed weights (not leaves: finite differences would vary them too)
W4 = "torch.tensor([0.5, 1.0, 2.0, 1.5], dtype=x.dtype)"
W34 = "torch.linspace(0.5, 2.0, 12, dtype=x.dtype).reshape(3, 4)"

CASES = [
    ("mse_loss", "F.mse_loss(x, y)", XY),
    ("mse_loss_sum", "F.mse_loss(x, y, reduction='sum')", XY),
    ("mse_loss_none", "F.mse_loss(x, y, reduction='none')", XY),
    ("mse_loss_broadcast", "F.mse_loss(x, y)", {"x": "3x4", "y": "4", "F": F}),
    ("mse_loss_legacy", "F.mse_loss(x, y, size_average=False)", XY),
    ("mse_loss_weight", f"F.mse_loss(x, y, weight={W34})", XY),
    ("l1_loss", "F.l1_loss(x, y)", XY),
    ("l1_loss_none", "F.l1_loss(x, y, reduction='none')", XY),
    ("l1_loss_weight_sum", f"F.l1_loss(x, y, reduction='sum', weight={W34})", XY),
    ("smooth_l1_loss", "F.smooth_l1_loss(x, y)", XY),
    ("smooth_l1_loss_beta", "F.smooth_l1_loss(x, y, beta=0.5, reduction='none')", XY),
    ("smooth_l1_loss_beta0", "F.smooth_l1_loss(x, y, beta=0.0)", XY),
    ("huber_loss", "F.huber_loss(x, y)", XY),
    ("huber_loss_delta", "F.huber_loss(x, y, delta=0.5, reduction='sum')", XY),
    ("huber_loss_weight", f"F.huber_loss(x, y, weight={W34})", XY),
    ("bce", "F.binary_cross_entropy(torch.sigmoid(x), torch.sigmoid(y))", XY),
    ("bce_probs", "F.binary_cross_entropy((p + 1) / 2, (y + 1) / 2, reduction='sum')", PROBS),
    (
        "bce_weight",
        f"F.binary_cross_entropy(torch.sigmoid(x), torch.sigmoid(y), weight={W4})",
        XY,
    ),
    (
        "bce_none",
        "F.binary_cross_entropy(torch.sigmoid(x), torch.sigmoid(y), reduction='none')",
        XY,
    ),
    ("bce_logits", "F.binary_cross_entropy_with_logits(x, torch.sigmoid(y))", XY),
    (
        "bce_logits_pos_weight",
        f"F.binary_cross_entropy_with_logits(x, torch.sigmoid(y), pos_weight={W4})",
        XY,
    ),
    (
        "bce_logits_weight_none",
        f"F.binary_cross_entropy_with_logits(x, torch.sigmoid(y), weight={W4}, reduction='none')",
        XY,
    ),
    ("cross_entropy", "F.cross_entropy(x, t)", LOGITS),
    ("cross_entropy_sum", "F.cross_entropy(x, t, reduction='sum')", LOGITS),
    ("cross_entropy_none", "F.cross_entropy(x, t, reduction='none')", LOGITS),
    ("cross_entropy_weight", f"F.cross_entropy(x, t, weight={W4})", LOGITS),
    ("cross_entropy_ignore", "F.cross_entropy(x, t, ignore_index=1)", LOGITS),
    ("cross_entropy_uint8", "F.cross_entropy(x, t.to(torch.uint8))", LOGITS),
    ("cross_entropy_1d", "F.cross_entropy(x[0], t[0])", LOGITS),
    ("cross_entropy_smoothing", "F.cross_entropy(x, t, label_smoothing=0.2)", LOGITS),
    (
        "cross_entropy_smoothing_weight_ignore",
        f"F.cross_entropy(x, t, weight={W4}, ignore_index=2, label_smoothing=0.1)",
        LOGITS,
    ),
    (
        "cross_entropy_smoothing_none",
        "F.cross_entropy(x, t, label_smoothing=0.3, reduction='none')",
        LOGITS,
    ),
    ("cross_entropy_probs", "F.cross_entropy(x, y.softmax(1))", XY),
    ("cross_entropy_probs_smoothing", "F.cross_entropy(x, y.softmax(1), label_smoothing=0.1)", XY),
    (
        "cross_entropy_probs_weight_none",
        f"F.cross_entropy(x, y.softmax(1), weight={W4}, reduction='none')",
        XY,
    ),
    ("cross_entropy_images", "F.cross_entropy(x, t)", {"x": "2x3x2x2", "t": "int:2x2x2:3", "F": F}),
    (
        "cross_entropy_sequence_none",
        "F.cross_entropy(x, t, reduction='none')",
        {"x": "2x3x4", "t": "int:2x4:3", "F": F},
    ),
    ("nll_loss", "F.nll_loss(x, t)", LOGITS),
    (
        "nll_loss_weight_none",
        f"F.nll_loss(x, t, weight={W4}, reduction='none')",
        LOGITS,
    ),
    ("nll_loss_ignore_sum", "F.nll_loss(x, t, ignore_index=0, reduction='sum')", LOGITS),
    ("nll_loss_5d", "F.nll_loss(x, t)", {"x": "2x3x2x1x2", "t": "int:2x2x1x2:3", "F": F}),
    ("kl_div", "F.kl_div(x.log_softmax(1), y.softmax(1), reduction='batchmean')", XY),
    ("kl_div_mean", "F.kl_div(x, y.softmax(1))", XY),
    ("kl_div_log_target", "F.kl_div(x, y.log_softmax(1), log_target=True, reduction='sum')", XY),
    ("kl_div_none", "F.kl_div(x, y.softmax(1), reduction='none')", XY),
    ("cosine_similarity", "F.cosine_similarity(x, y)", XY),
    ("cosine_similarity_dim0", "torch.cosine_similarity(x, y, dim=0)", XY),
    (
        "cosine_similarity_broadcast",
        "F.cosine_similarity(x, y, dim=-1)",
        {"x": "3x4", "y": "4", "F": F},
    ),
    ("normalize", "F.normalize(x)", XY),
    ("normalize_p1_dim0", "F.normalize(x, p=1, dim=0)", XY),
    ("pairwise_distance", "F.pairwise_distance(x, y)", XY),
    ("pairwise_distance_p1_keepdim", "torch.pairwise_distance(x, y, 1.0, keepdim=True)", XY),
    ("margin_ranking_loss", "F.margin_ranking_loss(x, y, torch.sign(z))", {**XY, "z": "3x4"}),
    (
        "margin_ranking_loss_none",
        "F.margin_ranking_loss(x, y, torch.sign(z), margin=0.3, reduction='none')",
        {**XY, "z": "3x4"},
    ),
    ("one_hot", "F.one_hot(t)", LOGITS),
    ("one_hot_classes", "F.one_hot(t, num_classes=6)", LOGITS),
]

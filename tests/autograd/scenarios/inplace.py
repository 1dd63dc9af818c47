"""In-place scenarios: version counters, the leaf refusals, saved values changed in place,
views and CopySlices, detach() against .data (see ../scenario_runner.py).

Sources: "In-place operations with autograd" in the autograd notes
(pytorch.org/docs/stable/notes/autograd.html#in-place-operations-with-autograd), the
discussion of .data against detach() in pytorch/pytorch#6990, and the 0.4 migration guide
(pytorch.org/blog/pytorch-0_4_0-migration-guide/, "What about .data?").
"""

from scenario_runner import Scenarios, attempt

S = Scenarios()


@S.case
def version_counter_counts_changes(torch):
    x = torch.ones(3)
    seen = [x._version]
    x.add_(1)
    seen.append(x._version)
    x[0] = 5
    seen.append(x._version)
    x += 1
    seen.append(x._version)
    x.zero_()
    seen.append(x._version)
    return seen, x


@S.case
def views_share_the_version_counter(torch):
    x = torch.ones(3)
    v = x[1:]
    v.mul_(2)
    d = x.detach()
    d.add_(1)
    after_detach = [x._version, v._version, d._version]
    data = x.data
    data.add_(1)
    return after_detach, [x._version, data._version], x


@S.case
def out_of_place_ops_leave_the_version(torch):
    x = torch.ones(3)
    y = x * 2
    z = x.view(3)
    return x._version, y._version, z._version


@S.case
def leaf_requiring_grad_is_refused(torch):
    x = torch.ones(2, requires_grad=True)
    return attempt(x.mul_, 2), attempt(x.__iadd__, 1), x._version


@S.case
def view_of_a_leaf_requiring_grad_is_refused(torch):
    x = torch.ones(3, requires_grad=True)
    v = x[1:]
    return attempt(v.mul_, 2), attempt(x.__setitem__, 0, 2.0)


@S.case
def leaf_changes_under_no_grad(torch):
    x = torch.ones(2, requires_grad=True)
    with torch.no_grad():
        x.mul_(2)
        x[0] = 5
    return x, x._version, x.is_leaf, x.grad_fn


@S.case
def saved_value_changed_in_place(torch):
    x = torch.ones(3, requires_grad=True)
    y = x * 1
    z = y * y
    y.add_(1)
    z.sum().backward()


@S.case
def saved_result_changed_in_place(torch):
    x = torch.ones(3, requires_grad=True)
    y = x.exp()
    y.add_(1)
    y.sum().backward()


@S.case
def saved_constant_changed_in_place(torch):
    x = torch.ones(3, requires_grad=True)
    c = torch.ones(3)
    y = x * c
    c.add_(1)
    y.sum().backward()


@S.case
def leaf_changed_under_no_grad_after_being_saved(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    with torch.no_grad():
        x.add_(1)
    y.sum().backward()


@S.case
def input_of_a_selection_changed_in_place(torch):
    # gather, take, masked_select, the reflection/replication pads and the pools save their
    # input (PyTorch's formulas read it), so changing it in place is refused at backward
    found = []
    for pick in (
        lambda y: y.gather(0, torch.tensor([2, 0])),
        lambda y: y.take(torch.tensor([1])),
        lambda y: y.masked_select(torch.tensor([True, False, True])),
        lambda y: torch.nn.functional.pad(y.view(1, 1, 3), (1, 1), mode="reflect"),
        lambda y: torch.nn.functional.avg_pool1d(y.view(1, 1, 3), 2),
        lambda y: torch.nn.functional.adaptive_avg_pool1d(y.view(1, 1, 3), 2),
        lambda y: torch.cummax(y, 0)[0],
    ):
        x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x * 1
        z = pick(y)
        y.add_(1)
        found.append(attempt(lambda z=z: z.sum().backward()))
        found.append(x.grad)
    return found


@S.case
def values_changed_in_place_where_only_the_indices_are_saved(torch):
    # max(dim), sort, topk, kthvalue, median(dim), mode and cummax save their indices, not
    # their values: changing the values in place is allowed; aminmax saves both outputs
    found = []
    for pick in (
        lambda x: x.max(0),
        lambda x: x.min(1, keepdim=True),
        lambda x: torch.sort(x, 1),
        lambda x: torch.topk(x, 1),
        lambda x: torch.kthvalue(x, 1, 0),
        lambda x: x.median(0),
        lambda x: torch.mode(x, 1),
        lambda x: torch.cummax(x, 0),
        lambda x: torch.aminmax(x, dim=0),
        lambda x: torch.nn.functional.max_pool1d(x.view(1, 2, 2), 2, return_indices=True),
    ):
        x = torch.tensor([[1.0, 5.0], [3.0, 2.0]], requires_grad=True)
        values, indices = pick(x)
        values.mul_(2)
        found.append(attempt(lambda values=values: values.sum().backward()))
        found.append(x.grad)
    return found


@S.case
def source_and_outputs_changed_in_place(torch):
    # index_add and index_copy save their source; std_mean saves its std, not its mean
    found = []
    for name in ("index_add", "index_copy"):
        x = torch.zeros(3, requires_grad=True)
        s = torch.tensor([1.0, 2.0], requires_grad=True) * 1
        out = getattr(x, name)(0, torch.tensor([2, 0]), s)
        s.add_(1)
        found.append(attempt(lambda out=out: out.sum().backward()))
    x = torch.tensor([[1.0, 5.0], [3.0, 2.0]], requires_grad=True)
    std, mean = torch.std_mean(x, 0)
    mean.mul_(2)
    found.append(attempt(lambda: std.sum().backward()))
    found.append(x.grad)
    return found


@S.case
def saved_value_changed_then_unread(torch):
    # MulBackward0 by a number saves nothing, so the change does not matter
    x = torch.ones(3, requires_grad=True)
    y = x * 1
    z = y * 2
    y.add_(1)
    z.sum().backward()
    return x.grad


@S.case
def in_place_on_a_non_leaf(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    y.mul_(3)
    y.sum().backward()
    return y, x.grad, y.grad_fn, y.grad_fn.next_functions[0][0], y._version


@S.case
def in_place_that_reads_its_old_value(torch):
    x = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    y = x * 1
    y.sin_()
    y.sum().backward()
    return y, x.grad


@S.case
def in_place_that_reads_its_result(torch):
    x = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64, requires_grad=True)
    y = x * 2
    y.exp_()
    y.sum().backward()
    return y, x.grad


@S.case
def two_in_place_ops_in_a_row(torch):
    x = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    y = x * 1
    y.sin_()
    y.cos_()
    y.sum().backward()
    return x.grad, y.grad_fn, y._version


@S.case
def in_place_with_a_tensor_operand(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    w = torch.tensor([3.0, 4.0], requires_grad=True)
    y = x * 1
    y.mul_(w)
    y.sum().backward()
    return y, x.grad, w.grad


@S.case
def in_place_result_of_another_dtype(torch):
    x = torch.tensor([1, 2])
    return attempt(x.__iadd__, 1.5), attempt(x.mul_, 2.5), attempt(x.add_, 1), x


@S.case
def in_place_promotes_within_the_target_dtype(torch):
    x = torch.tensor([1.0, 2.0])
    x += torch.tensor([1.0, 2.0], dtype=torch.float64)
    i = torch.tensor([1, 2], dtype=torch.int32)
    i += torch.tensor([1, 2])
    return x, i


@S.case
def in_place_of_a_bigger_shape(torch):
    x = torch.ones(3)
    x += torch.ones(2, 3)


@S.case
def in_place_on_an_expanded_tensor(torch):
    x = torch.ones(1).expand(3)
    x.add_(1)


@S.case
def in_place_on_a_float64_operand_with_gradient(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    y.mul_(torch.tensor([2.0, 3.0], dtype=torch.float64))
    y.sum().backward()
    return y, x.grad


# ---- views: CopySlices and re-derived views --------------------------------------------------


@S.case
def write_through_an_index(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    y[0] = 0
    y.sum().backward()
    return y, x.grad, y.grad_fn, y.grad_fn.next_functions


@S.case
def in_place_through_a_slice_view(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    v = y[1:]
    v.mul_(x[1:])
    y.sum().backward()
    return y, v, x.grad, y.grad_fn.next_functions, v.grad_fn.next_functions


@S.case
def other_views_are_re_derived(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    v = y[:2]
    w = y[1:]
    w.mul_(3)
    v.sum().backward()
    return v, w, x.grad, y._version, v._version


@S.case
def view_of_a_view(torch):
    x = torch.arange(6.0, requires_grad=True)
    y = x * 1
    m = y.view(2, 3)
    r = m[1]
    r.mul_(10)
    y.sum().backward()
    return y, m, r, x.grad


@S.case
def write_of_a_tensor_that_requires_grad(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w = torch.tensor(5.0, requires_grad=True)
    y = x * 1
    y[1] = w * 2
    y.sum().backward()
    return y, x.grad, w.grad


@S.case
def write_into_a_constant_makes_it_require_grad(torch):
    w = torch.tensor([5.0, 6.0], requires_grad=True)
    buf = torch.zeros(4)
    buf[1:3] = w * 2
    buf.sum().backward()
    return buf, buf.is_leaf, w.grad


@S.case
def write_through_a_view_then_second_derivative(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    y[1:].mul_(x[1:])
    (g,) = torch.autograd.grad(y.sum(), x, create_graph=True)
    (g2,) = torch.autograd.grad(g.sum(), x)
    return g, g2


@S.case
def view_version_after_base_change(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    v = y.view(2)
    v.add_(1)
    return y._version, v._version, y.grad_fn, v.grad_fn


# ---- detach() and .data ------------------------------------------------------------------


@S.case
def detach_shares_the_version_so_backward_notices(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x.exp()
    d = y.detach()
    d.zero_()
    return d, y._version, attempt(y.sum().backward)


@S.case
def data_does_not_share_the_version_so_backward_goes_wrong(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x.exp()
    d = y.data
    d.zero_()
    y.sum().backward()
    return y._version, x.grad


@S.case
def detach_of_a_non_leaf(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    d = y.detach()
    d.mul_(2)
    return y, d, y._version, d.is_leaf, d.requires_grad


@S.case
def detach_then_requires_grad_then_in_place(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    d = x.detach()
    d.requires_grad_()
    d.mul_(2)


@S.case
def assigning_data(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x.data = torch.tensor([4.0, 5.0])
    return x, x._version, x.requires_grad


@S.case
def sgd_step_on_data(torch):
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    w.data -= 0.5 * w.grad
    return w, w._version, w.grad


@S.case
def detach_in_place(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.detach_()
    return y, y.is_leaf, y.requires_grad, y.grad_fn

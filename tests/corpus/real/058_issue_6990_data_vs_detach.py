# Source: GitHub issue pytorch/pytorch#6990 "Differences between .data and .detach",
#   answer by zou3519 (2018-04-26)
#   https://github.com/pytorch/pytorch/issues/6990
# Trimmed: the two ">>> " sessions of the answer as a script, prompts and shown outputs
# removed (bare expressions echo them).

import torch

a = torch.tensor([1,2,3.], requires_grad = True)
out = a.sigmoid()
c = out.detach()
c.zero_()

out  # modified by c.zero_() !!

out.sum().backward()  # Requires the original value of out, but that was overwritten by c.zero_()

a = torch.tensor([1,2,3.], requires_grad = True)
out = a.sigmoid()
c = out.data
c.zero_()

out  # out  was modified by c.zero_()

out.sum().backward()
a.grad  # The result is very, very wrong because `out` changed!

"""The STDP window of the model's own plastic synapse against the configured shape."""

import numpy as np
import pytest

from consolidation.backends.base import configure_brian
from consolidation.model.parameters import Parameters
from consolidation.model.stdp import fit_decay, stdp_window

OFFSETS = np.array([-100, -80, -60, -40, -30, -20, -10, -5, 5, 10, 20, 30, 40, 60, 80, 100.0])


@pytest.mark.parametrize("pathway", ["cortex", "hippocampus", "projection"])
def test_bi_poo_window_shape_and_time_constants(pathway):
    params = Parameters.from_overrides({f"{pathway}.rule": "bipoo"})
    configure_brian(params)
    dw = stdp_window(params, pathway, OFFSETS)
    assert (dw[OFFSETS > 0] > 0).all(), "pre-before-post must potentiate"
    assert (dw[OFFSETS < 0] < 0).all(), "post-before-pre must depress"
    tau_plus = fit_decay(OFFSETS[OFFSETS > 0], dw[OFFSETS > 0])
    tau_minus = fit_decay(OFFSETS[OFFSETS < 0], dw[OFFSETS < 0])
    assert tau_plus == pytest.approx(params["stdp.tau_plus"], rel=0.2)
    assert tau_minus == pytest.approx(params["stdp.tau_minus"], rel=0.2)


def test_symmetric_window_is_symmetric_with_a_depression_offset():
    params = Parameters.from_overrides()
    configure_brian(params)
    dw = stdp_window(params, "cortex", OFFSETS)
    np.testing.assert_allclose(dw, dw[::-1], atol=1e-9)
    # A lone pair sits below the rate threshold: near-coincident pairs depress least.
    assert dw[np.abs(OFFSETS) == 5].min() > dw[np.abs(OFFSETS) == 100].max()
    far = params["cortex.c_pre"] + params["cortex.c_post"]
    assert dw[np.abs(OFFSETS) == 100] == pytest.approx(-far, abs=0.01)

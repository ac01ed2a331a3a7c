"""The zoo's split: each task's architecture family, and the held-out half.

The held-out half was fixed on 2026-11-26, before any change to the recommender was made
against the zoo: rules and defaults are designed on the design half only, and lrtune's
quality claim is the held-out half (benchmarks/README.md says the same).

``stream_iterable_adagrad`` was added on 2026-11-26, after the split was fixed, to the design
half: the zoo's run planned in ``max_steps`` (optimizer updates) over a length-less stream.
``bow_adagrad`` and ``mlp_rmsprop`` were added the same day to the design half: it held
one task with an optimizer outside the SGD and Adam families.
"""

from __future__ import annotations

__all__ = [
    "FAMILY",
    "HELD_OUT",
    "HELD_OUT_EIGHTH",
    "HELD_OUT_FIFTH",
    "HELD_OUT_FIRST",
    "HELD_OUT_ELEVENTH",
    "HELD_OUT_FOURTEENTH",
    "HELD_OUT_FIFTEENTH",
    "HELD_OUT_SIXTEENTH",
    "HELD_OUT_SEVENTEENTH",
    "HELD_OUT_EIGHTEENTH",
    "HELD_OUT_NINETEENTH",
    "HELD_OUT_TWENTIETH",
    "HELD_OUT_TWENTY_FIRST",
    "HELD_OUT_TWENTY_SECOND",
    "HELD_OUT_TWENTY_THIRD",
    "HELD_OUT_TWENTY_FOURTH",
    "HELD_OUT_TWENTY_FIFTH",
    "HELD_OUT_TWENTY_SIXTH",
    "HELD_OUT_TWENTY_SEVENTH",
    "HELD_OUT_TWENTY_EIGHTH",
    "HELD_OUT_TWENTY_NINTH",
    "HELD_OUT_THIRTIETH",
    "HELD_OUT_THIRTY_FIRST",
    "HELD_OUT_THIRTY_SECOND",
    "HELD_OUT_THIRTY_FOURTH",
    "HELD_OUT_THIRTY_FIFTH",
    "HELD_OUT_THIRTY_SIXTH",
    "HELD_OUT_THIRTY_SEVENTH",
    "HELD_OUT_THIRTY_EIGHTH",
    "HELD_OUT_THIRTY_NINTH",
    "HELD_OUT_FORTIETH",
    "HELD_OUT_FORTY_FIRST",
    "HELD_OUT_FORTY_SECOND",
    "HELD_OUT_FORTY_THIRD",
    "HELD_OUT_THIRTY_THIRD",
    "HELD_OUT_FOURTH",
    "HELD_OUT_LATER",
    "HELD_OUT_NINTH",
    "HELD_OUT_SEVENTH",
    "HELD_OUT_SINCE",
    "HELD_OUT_SIXTH",
    "HELD_OUT_TENTH",
    "HELD_OUT_THIRTEENTH",
    "HELD_OUT_TWELFTH",
    "HELD_OUT_THIRD",
    "family",
    "held_out",
]

HELD_OUT_SINCE = "2026-11-26"

#: Architecture family of every task.
FAMILY: dict[str, str] = {
    "charlm_gru": "RNN",
    "diabetes_mlp": "MLP",
    "digits_cnn": "CNN",
    "least_squares": "linear",
    "friedman_mlp_adamw": "MLP",
    "resnet_bn_digits": "CNN",
    "cnn_nonorm_digits": "CNN",
    "lstm_adding_rmsprop": "RNN",
    "transformer_lm_scratch": "transformer",
    "transformer_finetune": "transformer",
    "logreg_sgd": "linear",
    "smalldata_mlp_adam": "MLP",
    "noisy_digits_mlp": "MLP",
    "stream_teacher_adagrad": "MLP",
    "stream_iterable_adagrad": "MLP",  # added after the split was fixed: design half
    "bow_adagrad": "linear",  # added after the split was fixed: design half
    "mlp_rmsprop": "MLP",  # added after the split was fixed: design half
    "gru_lines_adam": "RNN",  # the second held-out batch
    "cnn_shift_adamw": "CNN",  # the second held-out batch
    "mlp_nesterov_regression": "MLP",  # the second held-out batch
    "autoencoder_digits_adam": "MLP",  # the third held-out batch
    "conv1d_signals_sgd": "CNN",  # the third held-out batch
    "attn_repeat_adamw": "transformer",  # the third held-out batch
    "cancer_mlp_adamw": "MLP",  # the fourth held-out batch
    "circles_mlp_sgd": "MLP",  # the fourth held-out batch
    "seqmean_gru_radam": "RNN",  # the fourth held-out batch
    "moons_resmlp_adam": "MLP",  # the fifth held-out batch
    "friedman3_tanh_sgd": "MLP",  # the fifth held-out batch
    "lstm_sum_adam": "RNN",  # the fifth held-out batch
    "wine_mlp_rmsprop": "MLP",  # the sixth held-out batch
    "majority_gru_sgd": "RNN",  # the sixth held-out batch
    "digits_softmax_adamw": "linear",  # the sixth held-out batch
    "blobs_mlp_adagrad": "MLP",  # the seventh held-out batch
    "digits_gn_cnn_nesterov": "CNN",  # the seventh held-out batch
    "count_transformer_adam": "transformer",  # the seventh held-out batch
    "classif_dropout_mlp_sgd": "MLP",  # the eighth held-out batch
    "digits_bn_cnn_adam": "CNN",  # the eighth held-out batch
    "sinefreq_lstm_adamw": "RNN",  # the eighth held-out batch
    "regress_gelu_mlp_adam": "MLP",  # the ninth held-out batch
    "digits_rowgru_rmsprop": "RNN",  # the ninth held-out batch
    "hastie_mlp_adagrad": "MLP",  # the ninth held-out batch
    "digits_vit_adamw": "transformer",  # the tenth held-out batch
    "multilabel_mlp_nadam": "MLP",  # the tenth held-out batch
    "lowrank_embed_adam": "embedding",  # the tenth held-out batch
    "swissroll_mlp_sgd": "MLP",  # the eleventh held-out batch
    "gaussq_resmlp_adamw": "MLP",  # the eleventh held-out batch
    "friedman2_mlp_rmsprop": "MLP",  # the eleventh held-out batch
    "friedman1_wide_adagrad": "MLP",  # the twelfth held-out batch
    "digits_mixer_adam": "MLP-Mixer",  # the twelfth held-out batch
    "sparse_linear_sgd": "linear",  # the twelfth held-out batch
    "cancer_logreg_adagrad": "linear",  # the thirteenth held-out batch
    "digits_cnn_rmsprop": "CNN",  # the thirteenth held-out batch
    "circles_deep_adagrad": "MLP",  # the thirteenth held-out batch
    "friedman3_gelu_adam": "MLP",  # the fourteenth held-out batch
    "digits_colgru_nadam": "RNN",  # the fourteenth held-out batch
    "hastie_resmlp_radam": "MLP",  # the fourteenth held-out batch
    "sparseunc_mlp_rmsprop": "MLP",  # the fifteenth held-out batch
    "dwconv_digits_adamw": "CNN",  # the fifteenth held-out batch
    "bytecnn_textwrap_sgd": "CNN",  # the fifteenth held-out batch
    "scurve_resmlp_adamw": "MLP",  # the sixteenth held-out batch
    "gratings_cnn_sgd": "CNN",  # the sixteenth held-out batch
    "snippet_lstm_rmsprop": "RNN",  # the sixteenth held-out batch
    "classif5_mlp_adam": "MLP",  # the seventeenth held-out batch
    "checker_mlp_sgd": "MLP",  # the seventeenth held-out batch
    "sinemix_conv1d_adagrad": "CNN",  # the seventeenth held-out batch
    "keyval_transformer_adamw": "transformer",  # the eighteenth held-out batch
    "digits_tcn_sgd": "CNN",  # the eighteenth held-out batch
    "lnmlp_regression_rmsprop": "MLP",  # the eighteenth held-out batch
    "blobs10_mlp_adamax": "MLP",  # the nineteenth held-out batch
    "moons_tanh_sgd": "MLP",  # the nineteenth held-out batch
    "cancer_mlp_rmsprop_momentum": "MLP",  # the nineteenth held-out batch
    "wine_gelu_adamw": "MLP",  # the twentieth held-out batch
    "iris_deep_sgd": "MLP",  # the twentieth held-out batch
    "digits_logreg_rmsprop": "linear",  # the twentieth held-out batch
    "charmlp_shlex_sgd": "MLP",  # the twenty-first held-out batch
    "digits_lenet_sgd": "CNN",  # the twenty-first held-out batch
    "makereg_deep_adam": "MLP",  # the twenty-first held-out batch
    "wine_wide_sgd": "MLP",  # the twenty-second held-out batch
    "sinefreq_gru_sgd": "RNN",  # the twenty-second held-out batch
    "digits_resmlp_sgd": "MLP",  # the twenty-second held-out batch
    "rnn_difflib_sgd": "RNN",  # the twenty-third held-out batch
    "classif_bn_mlp_sgd": "MLP",  # the twenty-third held-out batch
    "digits_ae_sgd": "MLP",  # the twenty-third held-out batch
    "cancer_deep_sgd": "MLP",  # the twenty-fourth held-out batch
    "regress_deep_sgd": "MLP",  # the twenty-fourth held-out batch
    "gaussq_mlp_rmsprop": "MLP",  # the twenty-fourth held-out batch
    "multilabel_wide_sgd": "MLP",  # the twenty-fifth held-out batch
    "digits_rowlstm_sgd": "RNN",  # the twenty-fifth held-out batch
    "friedman1_lnres_sgd": "MLP",  # the twenty-fifth held-out batch
    "digits_narrow_sgd": "MLP",  # the twenty-sixth held-out batch
    "classif8_deep_adam": "MLP",  # the twenty-sixth held-out batch
    "hastie_tanh_rmsprop": "MLP",  # the twenty-sixth held-out batch
    "digits_sigmoid_sgd": "MLP",  # the twenty-seventh held-out batch
    "recall_gru_adam": "RNN",  # the twenty-seventh held-out batch
    "moons_sigmoid_rmsprop": "MLP",  # the twenty-seventh held-out batch
    "classif_sigmoid_sgd": "MLP",  # the twenty-eighth held-out batch
    "xor_gru_adamw": "RNN",  # the twenty-eighth held-out batch
    "circles_sigmoid_adagrad": "MLP",  # the twenty-eighth held-out batch
    "maxseq_lstm_sgd": "RNN",  # the twenty-ninth held-out batch
    "sorted_attn_adamw": "transformer",  # the twenty-ninth held-out batch
    "moons_noisy_adagrad": "MLP",  # the twenty-ninth held-out batch
    "diabetes_wide_sgd": "MLP",  # the thirtieth held-out batch
    "tokencount_lstm_nadam": "RNN",  # the thirtieth held-out batch
    "digits_cnn_b4_rmsprop": "CNN",  # the thirtieth held-out batch
    "firsttok_gru_sgd": "RNN",  # the thirty-first held-out batch
    "tnoise_mlp_radam": "MLP",  # the thirty-first held-out batch
    "eqpairs_gru_adagrad": "RNN",  # the thirty-first held-out batch
    "digits_flip_cnn_sgd": "CNN",  # the thirty-second held-out batch
    "runlen_gru_adamw": "RNN",  # the thirty-second held-out batch
    "sinc_tanh_rmsprop": "MLP",  # the thirty-second held-out batch
    "biclust_factor_adagrad": "embedding",  # the thirty-third held-out batch
    "cancer_bn_deep_sgd": "MLP",  # the thirty-third held-out batch
    "doclm_transformer_adamw": "transformer",  # the thirty-third held-out batch
    "polydiab_linear_sgd": "linear",  # the thirty-fourth held-out batch
    "digits_convdae_adam": "CNN",  # the thirty-fourth held-out batch
    "poisson_mlp_rmsprop": "MLP",  # the thirty-fourth held-out batch
    "siren_image_adam": "MLP",  # the thirty-fifth held-out batch
    "friedman1_glu_sgd": "MLP",  # the thirty-fifth held-out batch
    "multilabel_embbag_rmsprop": "embedding",  # the thirty-fifth held-out batch
    "wine_ftt_rmsprop": "transformer",  # the thirty-sixth held-out batch
    "diabetes_huber_sgd": "MLP",  # the thirty-sixth held-out batch
    "sparsecode_lista_adamw": "MLP",  # the thirty-sixth held-out batch
    "hetero_gnll_adam": "MLP",  # the thirty-seventh held-out batch
    "circles_rbf_sgd": "MLP",  # the thirty-seventh held-out batch
    "digits_attnpool_rmsprop": "transformer",  # the thirty-seventh held-out batch
    "sbm_gcn_adam": "GNN",  # the thirty-eighth held-out batch
    "digits_vae_adamw": "MLP",  # the thirty-eighth held-out batch
    "triplet_digits_sgd": "MLP",  # the thirty-eighth held-out batch
    "deepsets_points_nadam": "set",  # the thirty-ninth held-out batch
    "moe_classif_radam": "MLP",  # the thirty-ninth held-out batch
    "fm_ctr_adagrad": "embedding",  # the thirty-ninth held-out batch
    "nbeats_series_adamw": "MLP",  # the fortieth held-out batch
    "coral_ordinal_rmsprop": "MLP",  # the fortieth held-out batch
    "highway_classif_adagrad": "MLP",  # the fortieth held-out batch
    "seq2seq_reverse_gru_adam": "RNN",  # the forty-first held-out batch
    "unet1d_denoise_adamw": "CNN",  # the forty-first held-out batch
    "wn_mlp_rmsprop": "MLP",  # the forty-first held-out batch
    "quantile_pinball_adamw": "MLP",  # the forty-second held-out batch
    "lru_recall_adam": "RNN",  # the forty-second held-out batch
    "wavenet_ar_sgd": "CNN",  # the forty-second held-out batch
    "realnvp_moons_adam": "MLP",  # the forty-third held-out batch
    "ddpm_swissroll_adamw": "MLP",  # the forty-third held-out batch
    "infonce_digits_sgd": "MLP",  # the forty-third held-out batch
}

#: A second held-out batch, written after every rule change of issue 13 was made, so that
#: the rules as they stand are measured on tasks that no change was looked at on (the first
#: batch's figures carry the disclosures of docs/benchmarks.md).
HELD_OUT_LATER: frozenset[str] = frozenset(
    {"gru_lines_adam", "cnn_shift_adamw", "mlp_nesterov_regression"}
)

#: A third held-out batch, written at the start of the fourth session on 2026-11-26, before
#: any rule change of that session and after the second batch had been looked at: the rules
#: at that commit are measured on it once, before anything is changed.
HELD_OUT_THIRD: frozenset[str] = frozenset(
    {"autoencoder_digits_adam", "conv1d_signals_sgd", "attn_repeat_adamw"}
)

#: A fourth held-out batch, written later in that session after its rule change (the Adam
#: family's warmup-stable-decay) had been made, benchmarked and committed: it measured that
#: change cleanly (and rejected it), and it measures the rules without it cleanly, since no
#: other change was made after it was written.
HELD_OUT_FOURTH: frozenset[str] = frozenset(
    {"cancer_mlp_adamw", "circles_mlp_sgd", "seqmean_gru_radam"}
)

#: A fifth held-out batch, written at the start of the sixth session on 2026-11-26, before
#: that session changed anything, its grids committed before any method was run on it.
HELD_OUT_FIFTH: frozenset[str] = frozenset(
    {"moons_resmlp_adam", "friedman3_tanh_sgd", "lstm_sum_adam"}
)

#: A sixth held-out batch, written in that session after its kept change (the horizon
#: check's two-thirds window) and before its next candidate was coded, its grids committed
#: before any method ran on it.
HELD_OUT_SIXTH: frozenset[str] = frozenset(
    {"wine_mlp_rmsprop", "majority_gru_sgd", "digits_softmax_adamw"}
)

#: A seventh held-out batch, written after the sixth's candidate was rejected and before the
#: next one was coded, its grids committed before any method ran on it.
HELD_OUT_SEVENTH: frozenset[str] = frozenset(
    {"blobs_mlp_adagrad", "digits_gn_cnn_nesterov", "count_transformer_adam"}
)

#: An eighth held-out batch, written at the start of the seventh session on 2026-11-27,
#: before that session changed anything, its grids committed before any method ran on it.
HELD_OUT_EIGHTH: frozenset[str] = frozenset(
    {"classif_dropout_mlp_sgd", "digits_bn_cnn_adam", "sinefreq_lstm_adamw"}
)

#: A ninth held-out batch, written in that session after its candidate (15) was rejected, its
#: grids committed and measured once before the next candidate (16) was measured.
HELD_OUT_NINTH: frozenset[str] = frozenset(
    {"regress_gelu_mlp_adam", "digits_rowgru_rmsprop", "hastie_mlp_adagrad"}
)

#: A tenth held-out batch, written at the start of the eighth session (2026-11-27) after its
#: candidate (17, WSD for the Adam family) was registered and before it was coded, its grids
#: committed and measured once with the rules unchanged. All three use the Adam family, the
#: only family (17) changes.
HELD_OUT_TENTH: frozenset[str] = frozenset(
    {"digits_vit_adamw", "multilabel_mlp_nadam", "lowrank_embed_adam"}
)

#: An eleventh held-out batch, written in the same session after (17) was rejected and its
#: successor (18, a rebound must clear the batch noise) was registered, before (18) was
#: measured; its grids committed and measured once with the rules unchanged. One task per
#: optimizer family: (18) changes how every curve is read.
HELD_OUT_ELEVENTH: frozenset[str] = frozenset(
    {"swissroll_mlp_sgd", "gaussq_resmlp_adamw", "friedman2_mlp_rmsprop"}
)

#: A twelfth held-out batch, written in the same session after (18) was rejected and its
#: successor (19, the batch noise read from step-to-step differences) was registered, before
#: (19) was measured; its grids committed and measured once with the rules unchanged.
HELD_OUT_TWELFTH: frozenset[str] = frozenset(
    {"friedman1_wide_adagrad", "digits_mixer_adam", "sparse_linear_sgd"}
)

#: A thirteenth held-out batch, written in the same session after (19) was rejected and its
#: successor (20, Adagrad and RMSprop peak at the minimum-loss LR / 2.5) was registered,
#: before (20) was coded; all three use Adagrad or RMSprop, the only family (20) changes.
HELD_OUT_THIRTEENTH: frozenset[str] = frozenset(
    {"cancer_logreg_adagrad", "digits_cnn_rmsprop", "circles_deep_adagrad"}
)

#: A fourteenth held-out batch, written in the same session after (20) was rejected and its
#: successor (21, WSD for the Adam family on runs of fewer than 15 passes) was registered,
#: before (21) was coded; all three are Adam-family runs of fewer than 15 epochs.
HELD_OUT_FOURTEENTH: frozenset[str] = frozenset(
    {"friedman3_gelu_adam", "digits_colgru_nadam", "hastie_resmlp_radam"}
)

#: A fifteenth held-out batch, written at the start of the next session after its candidate
#: (22, the noise race) was registered and before it was coded; one task each of RMSprop
#: with small noisy batches, AdamW on a CNN, and SGD on a text CNN.
HELD_OUT_FIFTEENTH: frozenset[str] = frozenset(
    {"sparseunc_mlp_rmsprop", "dwconv_digits_adamw", "bytecnn_textwrap_sgd"}
)

#: A sixteenth held-out batch, written at the start of the next session after its candidate
#: (24, --tune's peak race) was registered and before it was coded; one task each of AdamW on
#: a residual MLP, SGD on a CNN without normalisation, and RMSprop on a character LSTM.
HELD_OUT_SIXTEENTH: frozenset[str] = frozenset(
    {"scurve_resmlp_adamw", "gratings_cnn_sgd", "snippet_lstm_rmsprop"}
)

#: A seventeenth held-out batch, written in the same session after (24) was rejected and its
#: successor (25) registered, before (25) was coded; one task each of Adam on an MLP with
#: dropout, SGD on a ReLU MLP, and Adagrad on a 1-D CNN.
HELD_OUT_SEVENTEENTH: frozenset[str] = frozenset(
    {"classif5_mlp_adam", "checker_mlp_sgd", "sinemix_conv1d_adagrad"}
)

#: An eighteenth held-out batch, written at the start of the next session after its candidate
#: (26, the peak race climbs one rung) was registered and before it was coded; one task each
#: of AdamW on a transformer (key-value recall), SGD on a dilated 1-D CNN, and RMSprop on an
#: MLP with layer normalisation.
HELD_OUT_EIGHTEENTH: frozenset[str] = frozenset(
    {"keyval_transformer_adamw", "digits_tcn_sgd", "lnmlp_regression_rmsprop"}
)

#: A nineteenth held-out batch, written in the same session after (26) was rejected and its
#: successor (27) registered, before (27) was coded; one task each of Adamax on a GELU MLP,
#: plain SGD on a tanh MLP, and centred RMSprop with momentum on an MLP.
HELD_OUT_NINETEENTH: frozenset[str] = frozenset(
    {"blobs10_mlp_adamax", "moons_tanh_sgd", "cancer_mlp_rmsprop_momentum"}
)

#: A twentieth held-out batch, written in the same session after (27) was kept and (28), a
#: change to the rules' zoom, registered, before (28) was coded; one task each of AdamW on a
#: GELU MLP, Nesterov SGD on a deep narrow MLP, and RMSprop on a logistic regression.
HELD_OUT_TWENTIETH: frozenset[str] = frozenset(
    {"wine_gelu_adamw", "iris_deep_sgd", "digits_logreg_rmsprop"}
)

#: A twenty-first held-out batch, written in the next session after (28) was kept and (29), a
#: second run in the stability probe, registered, before (29) was coded; one task each of SGD
#: with momentum on a character MLP, plain SGD on a tanh LeNet, and Adam on a deep ReLU MLP.
HELD_OUT_TWENTY_FIRST: frozenset[str] = frozenset(
    {"charmlp_shlex_sgd", "digits_lenet_sgd", "makereg_deep_adam"}
)

#: A twenty-second held-out batch, written in the same session after (29) was rejected and
#: (30), a change to the rules' SGD peak, registered, before (30) was coded; three SGD tasks:
#: momentum on a wide MLP, momentum on a GRU regressor, Nesterov on a residual BatchNorm MLP.
HELD_OUT_TWENTY_SECOND: frozenset[str] = frozenset(
    {"wine_wide_sgd", "sinefreq_gru_sgd", "digits_resmlp_sgd"}
)

#: A twenty-third held-out batch, written at the start of the next session after (31), a
#: change to the rules' SGD peak, was registered, before (31) was coded; three SGD tasks:
#: momentum on a character RNN, momentum and weight decay on a BatchNorm MLP, Nesterov on an
#: autoencoder.
HELD_OUT_TWENTY_THIRD: frozenset[str] = frozenset(
    {"rnn_difflib_sgd", "classif_bn_mlp_sgd", "digits_ae_sgd"}
)

#: A twenty-fourth held-out batch, written after (32), a change to the rules' SGD peak and to
#: the stability probe's relapse test, was registered, before (32) was coded: momentum on a
#: deep plain ReLU MLP, Nesterov on a regression MLP, plain RMSprop on a tanh MLP.
HELD_OUT_TWENTY_FOURTH: frozenset[str] = frozenset(
    {"cancer_deep_sgd", "regress_deep_sgd", "gaussq_mlp_rmsprop"}
)

#: A twenty-fifth held-out batch, written after (33), a change to the rules' SGD peak and to
#: the stability probe's ladder, was registered, before (33) was coded; three SGD tasks:
#: momentum on a wide multi-label MLP, momentum on a row-reading LSTM, Nesterov and weight
#: decay on a LayerNorm residual MLP.
HELD_OUT_TWENTY_FIFTH: frozenset[str] = frozenset(
    {"multilabel_wide_sgd", "digits_rowlstm_sgd", "friedman1_lnres_sgd"}
)
HELD_OUT_TWENTY_SIXTH: frozenset[str] = frozenset(
    {"digits_narrow_sgd", "classif8_deep_adam", "hastie_tanh_rmsprop"}
)
HELD_OUT_TWENTY_SEVENTH: frozenset[str] = frozenset(
    {"digits_sigmoid_sgd", "recall_gru_adam", "moons_sigmoid_rmsprop"}
)
HELD_OUT_TWENTY_EIGHTH: frozenset[str] = frozenset(
    {"classif_sigmoid_sgd", "xor_gru_adamw", "circles_sigmoid_adagrad"}
)
HELD_OUT_TWENTY_NINTH: frozenset[str] = frozenset(
    {"maxseq_lstm_sgd", "sorted_attn_adamw", "moons_noisy_adagrad"}
)
#: A thirtieth held-out batch, written after (39), a change to how the range test's
#: divergence LR is read from a noisy curve, was registered: three tasks whose batches of
#: four to eight make the batch loss noisy, one per optimizer family.
HELD_OUT_THIRTIETH: frozenset[str] = frozenset(
    {"diabetes_wide_sgd", "tokencount_lstm_nadam", "digits_cnn_b4_rmsprop"}
)
#: A thirty-first held-out batch, written after (41), a zoom for a range test whose divergence
#: reading sits in the batch noise far below every blow-up, was registered: three tasks with
#: noisy batch losses and a late fall, one per optimizer family.
HELD_OUT_THIRTY_FIRST: frozenset[str] = frozenset(
    {"firsttok_gru_sgd", "tnoise_mlp_radam", "eqpairs_gru_adagrad"}
)
#: A thirty-second held-out batch, written after (44), the analysis's cut passing a chance
#: high batch on a curve that has not learnt beyond its noise, was registered: batches of
#: eight, one task per optimizer family.
HELD_OUT_THIRTY_SECOND: frozenset[str] = frozenset(
    {"digits_flip_cnn_sgd", "runlen_gru_adamw", "sinc_tanh_rmsprop"}
)
#: A thirty-third held-out batch, written after (46), (44)'s cut with a zoom for a curve that
#: blew up without falling beyond its batch noise, was registered: one task per optimizer
#: family, none of them with batches of eight.
HELD_OUT_THIRTY_THIRD: frozenset[str] = frozenset(
    {"biclust_factor_adagrad", "cancer_bn_deep_sgd", "doclm_transformer_adamw"}
)
#: A thirty-fourth held-out batch, written after (48), the divergence reading's rebound
#: fallback only on a curve that fell beyond its batch noise, was registered: one task per
#: optimizer family, with a loss or a model no zoo task had (an ill-conditioned polynomial
#: regression, a convolutional denoiser, a Poisson likelihood).
HELD_OUT_THIRTY_FOURTH: frozenset[str] = frozenset(
    {"polydiab_linear_sgd", "digits_convdae_adam", "poisson_mlp_rmsprop"}
)
#: A thirty-fifth held-out batch, written after (51), the stability probe raising a peak at
#: which nothing was learnt, was registered: one task per optimizer family, with a model no
#: zoo task had (sine activations, gated linear units, an embedding bag).
HELD_OUT_THIRTY_FIFTH: frozenset[str] = frozenset(
    {"siren_image_adam", "friedman1_glu_sgd", "multilabel_embbag_rmsprop"}
)
#: A thirty-sixth held-out batch, written after (56), a change to ``--tune``'s peak race, was
#: rejected, with lrtune unchanged since (55): one task per optimizer family, with a model or a
#: loss no zoo task had (a feature-tokenizer transformer on tabular data, a Huber loss with
#: plain SGD, an unrolled sparse-coding network).
HELD_OUT_THIRTY_SIXTH: frozenset[str] = frozenset(
    {"wine_ftt_rmsprop", "diabetes_huber_sgd", "sparsecode_lista_adamw"}
)
#: A thirty-seventh held-out batch, written after (58b) was rejected, with lrtune unchanged
#: since (57b): one task per optimizer family, with a model or a loss no zoo task had (a
#: Gaussian negative log-likelihood with a predicted variance, a radial-basis-function
#: network, attention pooling over row tokens).
HELD_OUT_THIRTY_SEVENTH: frozenset[str] = frozenset(
    {"hetero_gnll_adam", "circles_rbf_sgd", "digits_attnpool_rmsprop"}
)
#: A thirty-eighth held-out batch, written after (59), a change to `--tune`'s peak race, was
#: kept, with the rules unchanged since (57b): one task per optimizer family, with a model or
#: a loss no zoo task had (a graph convolutional network, a variational autoencoder's negative
#: ELBO, a triplet margin loss).
HELD_OUT_THIRTY_EIGHTH: frozenset[str] = frozenset(
    {"sbm_gcn_adam", "digits_vae_adamw", "triplet_digits_sgd"}
)
#: A thirty-ninth held-out batch, written at the start of the next session with lrtune
#: unchanged since (59): one task per optimizer family not in the thirty-eighth, with a model
#: no zoo task had (a permutation-invariant set network, a mixture of experts under a gate, a
#: factorization machine).
HELD_OUT_THIRTY_NINTH: frozenset[str] = frozenset(
    {"deepsets_points_nadam", "moe_classif_radam", "fm_ctr_adagrad"}
)
#: A fortieth held-out batch, written after (60), a change to `--tune`'s peak race for the
#: optimizers other than SGD, was kept: one non-SGD task per family it acts on, each with a
#: model or a loss no zoo task had (an N-BEATS forecaster, a CORAL ordinal head, a highway
#: network).
HELD_OUT_FORTIETH: frozenset[str] = frozenset(
    {"nbeats_series_adamw", "coral_ordinal_rmsprop", "highway_classif_adagrad"}
)
#: A forty-first held-out batch, written at the start of the next session with lrtune
#: unchanged since (60): one task per family the floor rule reads (Adam, AdamW, RMSprop),
#: each with a model no zoo task had (a GRU encoder-decoder, a 1-D U-Net, a weight-normalised
#: MLP).
HELD_OUT_FORTY_FIRST: frozenset[str] = frozenset(
    {"seq2seq_reverse_gru_adam", "unet1d_denoise_adamw", "wn_mlp_rmsprop"}
)
#: A forty-second held-out batch, written after (62) made the find seeds independent, each
#: with a model or a loss no zoo task had (quantile regression on the pinball loss, a diagonal
#: linear recurrence, a small WaveNet).
HELD_OUT_FORTY_SECOND: frozenset[str] = frozenset(
    {"quantile_pinball_adamw", "lru_recall_adam", "wavenet_ar_sgd"}
)
#: A forty-third held-out batch, written while (64), four range-test repeats by default, was
#: measured, each with a model or a loss no zoo task had (a normalising flow on the density's
#: likelihood, a diffusion model's noise prediction, a contrastive InfoNCE encoder).
HELD_OUT_FORTY_THIRD: frozenset[str] = frozenset(
    {"realnvp_moons_adam", "ddpm_swissroll_adamw", "infonce_digits_sgd"}
)

#: The first held-out batch, fixed when the zoo was split.
HELD_OUT_FIRST: frozenset[str] = frozenset(
    {
        "friedman_mlp_adamw",
        "cnn_nonorm_digits",
        "lstm_adding_rmsprop",
        "transformer_finetune",
        "logreg_sgd",
        "noisy_digits_mlp",
        "stream_teacher_adagrad",
    }
)

#: The held-out half: one task or more of every family, none of the four tasks the rules
#: were first fitted on.
HELD_OUT: frozenset[str] = (
    HELD_OUT_FIRST
    | HELD_OUT_LATER
    | HELD_OUT_THIRD
    | HELD_OUT_FOURTH
    | HELD_OUT_FIFTH
    | HELD_OUT_SIXTH
    | HELD_OUT_SEVENTH
    | HELD_OUT_EIGHTH
    | HELD_OUT_NINTH
    | HELD_OUT_TENTH
    | HELD_OUT_ELEVENTH
    | HELD_OUT_TWELFTH
    | HELD_OUT_THIRTEENTH
    | HELD_OUT_FOURTEENTH
    | HELD_OUT_FIFTEENTH
    | HELD_OUT_SIXTEENTH
    | HELD_OUT_SEVENTEENTH
    | HELD_OUT_EIGHTEENTH
    | HELD_OUT_NINETEENTH
    | HELD_OUT_TWENTIETH
    | HELD_OUT_TWENTY_FIRST
    | HELD_OUT_TWENTY_SECOND
    | HELD_OUT_TWENTY_THIRD
    | HELD_OUT_TWENTY_FOURTH
    | HELD_OUT_TWENTY_FIFTH
    | HELD_OUT_TWENTY_SIXTH
    | HELD_OUT_TWENTY_SEVENTH
    | HELD_OUT_TWENTY_EIGHTH
    | HELD_OUT_TWENTY_NINTH
    | HELD_OUT_THIRTIETH
    | HELD_OUT_THIRTY_FIRST
    | HELD_OUT_THIRTY_SECOND
    | HELD_OUT_THIRTY_THIRD
    | HELD_OUT_THIRTY_FOURTH
    | HELD_OUT_THIRTY_FIFTH
    | HELD_OUT_THIRTY_SIXTH
    | HELD_OUT_THIRTY_SEVENTH
    | HELD_OUT_THIRTY_EIGHTH
    | HELD_OUT_THIRTY_NINTH
    | HELD_OUT_FORTIETH
    | HELD_OUT_FORTY_FIRST
    | HELD_OUT_FORTY_SECOND
    | HELD_OUT_FORTY_THIRD
)


def family(task: str) -> str:
    """The task's architecture family (``"other"`` for a task outside the zoo's list)."""
    return FAMILY.get(task, "other")


def held_out(task: str) -> bool:
    return task in HELD_OUT

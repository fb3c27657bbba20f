# Oracle fixtures for the National impact of `combine` (outputs.md §1): R's metafor::rma with
# its defaults for REML, on LA estimates as they are published (3 decimal places).
# Writes data/meta_cases.json (numbers to 15 significant digits, jsonlite's most); test/meta-analysis.test.ts and test/combine.test.ts compare the
# pipeline with it. CI does not need R: the JSON is committed with this script.
#   Rscript test/oracle/make_meta_fixtures.R        (from the repository root)
# Needs: r-base-core, r-cran-metafor, r-cran-jsonlite (Debian).
suppressPackageStartupMessages({
  library(metafor)
  library(jsonlite)
})
set.seed(20100930, kind = "Mersenne-Twister", normal.kind = "Inversion", sample.kind = "Rejection")
out_dir <- file.path("test", "oracle", "data")
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)

# EEF months from an effect size (measures.md §3): g to 2 dp half away from zero, then the bands.
eef_months <- function(g) {
  h <- floor(abs(g) * 100 + 0.5 + 1e-9)
  upper <- c(1, 9, 18, 26, 35, 44, 52, 61, 69, 78, 87, 95)
  sign(g) * sum(h > upper)
}

fit <- function(name, yi, sei, note, las = NULL) {
  warnings <- character(0)
  res <- withCallingHandlers(
    rma(yi = yi, sei = sei, method = "REML"),
    warning = function(w) {
      warnings <<- c(warnings, conditionMessage(w))
      invokeRestart("muffleWarning")
    }
  )
  pr <- predict(res)
  out <- list(
    name = name, note = note, yi = I(yi), sei = I(sei),
    k = res$k, b = as.numeric(res$beta), se = res$se, ci_lb = res$ci.lb, ci_ub = res$ci.ub,
    tau2 = res$tau2, I2 = res$I2, pi_lb = pr$pi.lb, pi_ub = pr$pi.ub,
    warnings = I(warnings),
    metafor = as.character(packageVersion("metafor"))
  )
  if (!is.null(las)) {
    # The LAs' published model sizes and outcome SDs, and the National effect size from the
    # pooled b: s = pooled within-LA SD (weights n_t + n_c - 2), J from every pooled pupil.
    n <- las$n_t + las$n_c
    s <- sqrt(sum((n - 2) * las$s_pooled^2) / sum(n - 2))
    j <- 1 - 3 / (4 * sum(n) - 9)
    g <- out$b * j / s
    out$las <- las
    out$national <- list(s_pooled = s, j = j, g = g, g_ci_lb = out$ci_lb * j / s, g_ci_ub = out$ci_ub * j / s,
      months = eef_months(g), n_t = sum(las$n_t), n_c = sum(las$n_c))
  }
  out
}

published <- function(x) round(x, 3)

cases <- list(
  fit("k1", 0.812, 0.431, "one estimate: tau2 = 0, the estimate itself"),
  fit("k2", c(1.2, -0.4), c(0.5, 0.7), "two estimates"),
  fit("k3", c(0.9, 2.4, 1.1), c(0.45, 0.6, 0.52), "three estimates, the fewest combine pools"),
  fit("tau2_zero", c(1.0, 1.1, 0.95, 1.05, 1.02), c(0.8, 0.9, 0.7, 1.0, 0.85),
    "estimates closer than their SEs allow: the HE start is negative and REML stays at tau2 = 0"),
  fit("heterogeneous", c(-1.2, 3.5, 0.4, 2.8, -0.6, 1.9), c(0.3, 0.35, 0.28, 0.4, 0.33, 0.31),
    "estimates far apart: I2 near 100%")
)

ks <- c(4, 5, 7, 10, 15, 30, 60, 150)
taus <- c(0, 0.2, 0.5, 1, 0.3, 0.8, 0.4, 0.6)
for (i in seq_along(ks)) {
  k <- ks[i]
  mu <- runif(1, 0.5, 2)
  sei <- published(runif(k, 0.25, 1.4))
  yi <- published(rnorm(k, mu, sqrt(taus[i]^2 + sei^2)))
  cases[[length(cases) + 1]] <- fit(sprintf("random_k%d", k), yi, sei, sprintf("random: k = %d, true tau = %.1f", k, taus[i]))
}

# Inputs of the combine end-to-end test: six LAs' English impact and five LAs' mathematics
# impact, as published, with the model sizes and outcome SDs the effect size needs.
la_codes6 <- c("873", "881", "886", "919", "926", "935") # LAs of the geography lookup
las6 <- data.frame(
  old_la_code = la_codes6,
  n_t = c(120, 85, 240, 60, 150, 95), n_c = c(900, 610, 1800, 420, 1100, 700),
  s_pooled = c(6.21, 5.87, 6.55, 5.92, 6.08, 6.4)
)
cases[[length(cases) + 1]] <- fit("combine_english",
  c(1.734, 0.912, 2.208, -0.315, 1.456, 1.101), c(0.612, 0.744, 0.401, 0.953, 0.538, 0.689),
  "combine end to end: English, six LAs", las6)
las5 <- data.frame(
  old_la_code = la_codes6[1:5],
  n_t = c(110, 80, 230, 55, 140), n_c = c(880, 600, 1750, 400, 1050),
  s_pooled = c(7.02, 6.75, 7.31, 6.9, 7.12)
)
cases[[length(cases) + 1]] <- fit("combine_mathematics",
  c(1.0, 1.1, 0.95, 1.05, 1.02), c(0.8, 0.9, 0.7, 1.0, 0.85),
  "combine end to end: mathematics, five LAs, tau2 = 0", las5)

writeLines(toJSON(cases, auto_unbox = TRUE, digits = NA, pretty = TRUE, dataframe = "rows"),
  file.path(out_dir, "meta_cases.json"))
cat("wrote", length(cases), "cases to", file.path(out_dir, "meta_cases.json"), "\n")

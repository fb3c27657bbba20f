# Oracle fixtures for the impact models (measures.md §3): R's lm + sandwich::vcovCL.
# Writes deterministic synthetic datasets to data/<name>.csv and the estimates R gives
# on them to data/<name>.json; test/impact_oracle.test.ts compares the pipeline with
# these. CI does not need R: the CSVs and JSONs are committed with this script.
#   Rscript test/oracle/make_fixtures.R        (from the repository root)
# Needs: r-base-core, r-cran-sandwich (Debian).
suppressPackageStartupMessages(library(sandwich))
set.seed(20100930, kind = "Mersenne-Twister", normal.kind = "Inversion", sample.kind = "Rejection")
out_dir <- file.path("test", "oracle", "data")
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)

ks_of <- function(y) ifelse(y <= 6, 2, ifelse(y <= 9, 3, 4))

simulate <- function(n, schools, years, p_tutored = 0.35, collinear = FALSE) {
  urn <- sprintf("1%05d", sample(seq_len(schools), n, replace = TRUE))
  nc_year <- sample(years, n, replace = TRUE)
  school_effect <- rnorm(schools, 0, 1.5)[as.integer(substr(urn, 2, 6))]
  fsm <- runif(n) < 0.3
  eal <- runif(n) < 0.2
  female <- runif(n) < 0.5
  cla <- runif(n) < 0.05
  sen_any <- runif(n) < 0.2
  if (collinear) {
    cla <- rep(FALSE, n)        # constant: dropped
    sen_any <- rep(TRUE, n)     # constant: dropped
    eal <- fsm                  # collinear with fsm: dropped
  }
  ks <- ks_of(nc_year)
  baseline <- ifelse(ks == 4, round(runif(n, 16, 52)), round(9 + 2 * nc_year + rnorm(n, 0, 4)))
  # selection on baseline: lower attainers more likely tutored
  tutored <- runif(n) < plogis(qlogis(p_tutored) - 0.08 * (baseline - mean(baseline)))
  full_place <- ifelse(tutored, runif(n) < 0.6, NA)
  outcome <- baseline + 3 + 0.4 * (nc_year %% 3) - 1 * fsm + 0.5 * female - 0.8 * sen_any +
    ifelse(tutored, ifelse(full_place, 2.0, 1.0), 0) + school_effect + rnorm(n, 0, 3)
  data.frame(
    urn, upn = sprintf("P%05d", seq_len(n)), nc_year, tutored, full_place,
    fsm, cla, eal, female, sen_any, baseline, outcome = round(outcome, 2)
  )
}

# Design of §3: baseline slope per key stage, NC-year dummies, the five flags.
design <- function(d, treatment) {
  ks <- ks_of(d$nc_year)
  frame <- data.frame(
    outcome = d$outcome,
    bl2 = d$baseline * (ks == 2), bl3 = d$baseline * (ks == 3), bl4 = d$baseline * (ks == 4),
    year = factor(d$nc_year),
    fsm = as.numeric(d$fsm), cla = as.numeric(d$cla), eal = as.numeric(d$eal),
    female = as.numeric(d$female), sen_any = as.numeric(d$sen_any)
  )
  if (treatment == "tutored") {
    frame$tutored <- as.numeric(d$tutored)
    f <- outcome ~ tutored + bl2 + bl3 + bl4 + year + fsm + cla + eal + female + sen_any
  } else {
    frame$full <- as.numeric(d$tutored & d$full_place %in% TRUE)
    frame$partial <- as.numeric(d$tutored & d$full_place %in% FALSE)
    f <- outcome ~ full + partial + bl2 + bl3 + bl4 + year + fsm + cla + eal + female + sen_any
  }
  if (nlevels(frame$year) < 2) f <- update(f, . ~ . - year)
  list(frame = frame, formula = f)
}

fit_cr1 <- function(d, treatment, coefs) {
  ds <- design(d, treatment)
  first <- lm(ds$formula, data = ds$frame)
  # Refit on the non-aliased columns (what lm keeps), so sandwich sees a full-rank model.
  X <- model.matrix(first)[, !is.na(coef(first)), drop = FALSE]
  y <- ds$frame$outcome
  fit <- lm(y ~ X - 1)
  cl <- d$urn
  V <- vcovCL(fit, cluster = cl, type = "HC1", cadjust = TRUE)
  # Check vcovCL(HC1, cadjust) is CR1 as measures.md defines it: G/(G−1)·(N−1)/(N−K).
  N <- nrow(X); K <- ncol(X); G <- length(unique(cl))
  bread <- solve(crossprod(X))
  scores <- rowsum(X * residuals(fit), cl)
  V_hand <- (G / (G - 1)) * ((N - 1) / (N - K)) * bread %*% crossprod(scores) %*% bread
  stopifnot(isTRUE(all.equal(unname(V), unname(V_hand), tolerance = 1e-10)))
  res <- list(n = N, k = K, g_schools = G, t_crit = qt(0.975, G - 1),
              aliased = names(coef(first))[is.na(coef(first))])
  for (cf in coefs) {
    j <- which(colnames(X) == cf)
    b <- unname(coef(fit)[j]); se <- sqrt(V[j, j])
    res[[paste0("b_", cf)]] <- b
    res[[paste0("se_", cf)]] <- se
    res[[paste0("ci_low_", cf)]] <- b - qt(0.975, G - 1) * se
    res[[paste0("ci_high_", cf)]] <- b + qt(0.975, G - 1) * se
  }
  if (treatment == "tutored") {
    yt <- d$outcome[d$tutored]; yc <- d$outcome[!d$tutored]
    nt <- length(yt); nc <- length(yc)
    sp <- sqrt(((nt - 1) * var(yt) + (nc - 1) * var(yc)) / (nt + nc - 2))
    J <- 1 - 3 / (4 * (nt + nc) - 9)
    res$n_t <- nt; res$n_c <- nc
    res$g <- res$b_tutored / sp * J
    res$g_ci_low <- res$ci_low_tutored / sp * J
    res$g_ci_high <- res$ci_high_tutored / sp * J
  }
  res
}

to_json <- function(x) {
  fmt <- function(v) {
    if (is.character(v)) return(if (length(v) == 0) "[]" else paste0("[", paste0("\"", v, "\"", collapse = ", "), "]"))
    sprintf("%.17g", v)
  }
  paste0("{\n", paste0('  "', names(x), '": ', vapply(x, fmt, ""), collapse = ",\n"), "\n}\n")
}

datasets <- list(
  basic = simulate(300, 12, 3:9),
  collinear = simulate(250, 8, c(4, 5, 7, 8), collinear = TRUE),
  dose = simulate(400, 15, 3:11)
)

for (name in names(datasets)) {
  d <- datasets[[name]]
  write.csv(d, file.path(out_dir, paste0(name, ".csv")), row.names = FALSE, na = "")
  models <- list(
    total = fit_cr1(d, "tutored", "tutored"),
    dose = fit_cr1(d, "dose", c("full", "partial")),
    fsm_eligible = fit_cr1(d[d$fsm, ], "tutored", "tutored"),
    not_fsm = fit_cr1(d[!d$fsm, ], "tutored", "tutored")
  )
  body <- paste0("{\n", paste0('"', names(models), '": ', vapply(models, to_json, ""), collapse = ",\n"), "}\n")
  writeLines(body, file.path(out_dir, paste0(name, ".json")), sep = "")
  cat(name, ": n =", nrow(d), " b =", models$total$b_tutored, " se =", models$total$se_tutored,
      " aliased:", paste(models$total$aliased, collapse = " "), "\n")
}

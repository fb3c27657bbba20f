# Oracle fixture for the ntp impact models (programmes.md §3): R's lm + sandwich::vcovCL on a
# deterministic synthetic sample, fitted as pipelines/measures/ntp-impact.ts fits it: outcome on
# one dummy per part (tutored; three routes; four group sizes), a baseline slope per key stage
# (KS1 = Y1-2), NC-year dummies (lowest year the reference) and the covariates disadvantaged,
# cla, eal, female, sen_any; CR1 school-clustered variance; differences from the reference
# part with SE sqrt(Vii + Vjj - 2Vij). test/ntp-impact-oracle.test.ts compares the pipeline.
# A second sample, ntp_impact_ks2.*, is a KS2 scaled score model (programmes.md §3 §2-§3): Year 6
# pupils whose baseline is a standardised score or, lacking one, KS1 teacher-assessment points, so
# the model mixes baseline scales: a slope per scale and an intercept dummy for KS1 (std the
# reference scale, the first present of std, ks1, ks2, gcse9).
# CI does not need R: the CSV and JSON are committed with this script.
#   Rscript test/oracle/make_ntp_fixtures.R        (from the repository root)
# Needs: r-base-core, r-cran-sandwich (Debian).
suppressPackageStartupMessages(library(sandwich))
set.seed(20221107, kind = "Mersenne-Twister", normal.kind = "Inversion", sample.kind = "Rejection")
out_dir <- file.path("test", "oracle", "data")

n <- 900
schools <- 14
urn <- sprintf("2%05d", sample(seq_len(schools), n, replace = TRUE))
nc_year <- sample(1:11, n, replace = TRUE)
key_stage <- ifelse(nc_year <= 2, 1, ifelse(nc_year <= 6, 2, ifelse(nc_year <= 9, 3, 4)))
school_effect <- rnorm(schools, 0, 1.5)[as.integer(substr(urn, 2, 6))]
disadvantaged <- runif(n) < 0.3
cla <- runif(n) < 0.05
eal <- runif(n) < 0.2
female <- runif(n) < 0.5
sen_any <- runif(n) < 0.15
baseline <- round(rnorm(n, 97, 12))
tutored <- runif(n) < plogis(-1 + 1.2 * (baseline < 90) + 0.5 * disadvantaged)
route <- ifelse(tutored, sample(c("tuition_partner", "academic_mentor", "school_led"), n, replace = TRUE, prob = c(0.3, 0.25, 0.45)), "")
group_size <- ifelse(tutored, sample(c("1", "2", "3", "4+"), n, replace = TRUE, prob = c(0.3, 0.3, 0.3, 0.1)), "")
effect <- ifelse(route == "tuition_partner", 4, ifelse(route == "academic_mentor", 2, ifelse(route == "school_led", 3, 0))) +
  ifelse(group_size == "1", 1.5, ifelse(group_size == "2", 0.75, 0))
outcome <- round(8 + 0.92 * baseline - 0.6 * disadvantaged - 0.8 * sen_any + 0.4 * eal + 0.2 * nc_year + school_effect + effect + rnorm(n, 0, 5.5))
# Dose (measures.md §3): a tutee's full or partial place, drawn after every other column so the
# sample's earlier columns (and their fits) are those of the fixture before the dose was added.
place <- ifelse(tutored, ifelse(runif(n) < 0.6, "full", "partial"), "")
d <- data.frame(urn, nc_year, key_stage, tutored, route, group_size, place, baseline, outcome, disadvantaged, cla, eal, female, sen_any)

fit_split <- function(d, part) {
  levels <- switch(part, tutored = "tutored", route = c("tuition_partner", "academic_mentor", "school_led"), group_size = c("1", "2", "3", "4+"), place = c("full", "partial"))
  value <- if (part == "tutored") ifelse(d$tutored, "tutored", "") else d[[part]]
  X <- data.frame(one = rep(1, nrow(d)))
  for (l in levels) X[[paste0("part_", l)]] <- as.numeric(d$tutored & value == l)
  scale <- if (is.null(d$baseline_scale)) rep("std", nrow(d)) else d$baseline_scale
  scales <- intersect(c("std", "ks1", "ks2", "gcse9"), unique(scale))
  for (s in scales) for (k in 1:4) X[[paste0("bl", k, s)]] <- d$baseline * (d$key_stage == k) * (scale == s)
  for (s in scales[-1]) X[[paste0("scale_", s)]] <- as.numeric(scale == s)
  years <- sort(unique(d$nc_year))
  for (y in years[-1]) X[[paste0("y", y)]] <- as.numeric(d$nc_year == y)
  for (c in c("disadvantaged", "cla", "eal", "female", "sen_any")) X[[c]] <- as.numeric(d[[c]])
  X <- as.matrix(X[, colSums(X != 0) > 0])
  fit <- lm(d$outcome ~ X - 1)
  V <- vcovCL(fit, cluster = d$urn, type = "HC1", cadjust = TRUE)
  b <- coef(fit)
  G <- length(unique(d$urn))
  t <- qt(0.975, G - 1)
  ref <- switch(part, tutored = NA, route = "school_led", group_size = "3", place = NA)
  res <- list()
  for (l in levels) {
    j <- paste0("Xpart_", l)
    res[[paste0("b_", l)]] <- unname(b[j])
    res[[paste0("se_", l)]] <- sqrt(V[j, j])
    res[[paste0("ci_low_", l)]] <- unname(b[j]) - t * sqrt(V[j, j])
    res[[paste0("ci_high_", l)]] <- unname(b[j]) + t * sqrt(V[j, j])
    res[[paste0("n_", l)]] <- sum(d$tutored & value == l)
    if (!is.na(ref) && l != ref) {
      r <- paste0("Xpart_", ref)
      res[[paste0("b_diff_", l)]] <- unname(b[j] - b[r])
      res[[paste0("se_diff_", l)]] <- sqrt(V[j, j] + V[r, r] - 2 * V[j, r])
    }
  }
  res$n <- nrow(d)
  res$g <- G
  res$k <- ncol(X)
  res
}

to_json <- function(x) paste0("{\n", paste0('  "', names(x), '": ', vapply(x, function(v) sprintf("%.17g", v), ""), collapse = ",\n"), "\n}")

write.csv(d, file.path(out_dir, "ntp_impact.csv"), row.names = FALSE, na = "")
# Balance (measures.md §3): tutees' and comparison pupils' means (shares in %) and the standardised
# difference, the SD pooled over the two weighted by n - 1.
balance <- function(d) {
  res <- list()
  for (v in c("baseline", "disadvantaged", "cla", "eal", "female", "sen_any")) {
    x <- as.numeric(d[[v]])
    t <- x[d$tutored]
    c <- x[!d$tutored]
    sd <- sqrt(((length(t) - 1) * var(t) + (length(c) - 1) * var(c)) / (length(t) + length(c) - 2))
    k <- if (v == "baseline") 1 else 100
    res[[paste0("bal_", v, "_t")]] <- k * mean(t)
    res[[paste0("bal_", v, "_c")]] <- k * mean(c)
    res[[paste0("bal_", v, "_std_diff")]] <- (mean(t) - mean(c)) / sd
  }
  res
}
models <- list(tutored = fit_split(d, "tutored"), route = fit_split(d, "route"), group_size = fit_split(d, "group_size"), place = fit_split(d, "place"), balance = balance(d))
writeLines(paste0("{\n", paste0('"', names(models), '": ', vapply(models, to_json, ""), collapse = ",\n"), "\n}\n"), file.path(out_dir, "ntp_impact.json"), sep = "")
cat("ntp_impact: n =", nrow(d), " tutored b =", models$tutored$b_tutored, " se =", models$tutored$se_tutored, "\n")

# The KS2 scaled score sample: Year 6 only (one key stage, no NC-year dummies), 20% with a KS1 baseline.
set.seed(20230509, kind = "Mersenne-Twister", normal.kind = "Inversion", sample.kind = "Rejection")
n <- 700
urn <- sprintf("3%05d", sample(seq_len(12), n, replace = TRUE))
school_effect <- rnorm(12, 0, 1)[as.integer(substr(urn, 2, 6))]
latent <- rnorm(n, 100, 15)
disadvantaged <- runif(n) < 0.3
cla <- runif(n) < 0.05
eal <- runif(n) < 0.2
female <- runif(n) < 0.5
sen_any <- runif(n) < 0.15
baseline_scale <- ifelse(runif(n) < 0.2, "ks1", "std")
ks1_points <- ifelse(latent >= 112, 10, ifelse(latent >= 93, 8, ifelse(latent >= 82, 6, 4)))
baseline <- ifelse(baseline_scale == "ks1", ks1_points, round(latent + rnorm(n, 0, 4)))
tutored <- runif(n) < plogis(-1 + 1.2 * (latent < 90) + 0.5 * disadvantaged)
route <- ifelse(tutored, sample(c("tuition_partner", "academic_mentor", "school_led"), n, replace = TRUE, prob = c(0.3, 0.25, 0.45)), "")
group_size <- ifelse(tutored, sample(c("1", "2", "3", "4+"), n, replace = TRUE, prob = c(0.3, 0.3, 0.3, 0.1)), "")
effect <- ifelse(route == "tuition_partner", 2.7, ifelse(route == "academic_mentor", 1.3, ifelse(route == "school_led", 2, 0))) +
  ifelse(group_size == "1", 1, ifelse(group_size == "2", 0.5, 0))
outcome <- pmin(120, pmax(80, round(100 + 0.67 * (latent - 100) - 0.5 * disadvantaged + school_effect + effect + rnorm(n, 0, 2.5))))
d2 <- data.frame(urn, nc_year = 6, key_stage = 2, tutored, route, group_size, baseline_scale, baseline, outcome, disadvantaged, cla, eal, female, sen_any)
write.csv(d2, file.path(out_dir, "ntp_impact_ks2.csv"), row.names = FALSE, na = "")
models2 <- list(tutored = fit_split(d2, "tutored"), route = fit_split(d2, "route"), group_size = fit_split(d2, "group_size"))
writeLines(paste0("{\n", paste0('"', names(models2), '": ', vapply(models2, to_json, ""), collapse = ",\n"), "\n}\n"), file.path(out_dir, "ntp_impact_ks2.json"), sep = "")
cat("ntp_impact_ks2: n =", nrow(d2), " tutored b =", models2$tutored$b_tutored, " se =", models2$tutored$se_tutored, " k =", models2$tutored$k, "\n")

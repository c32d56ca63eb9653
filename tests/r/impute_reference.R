# Reference numbers for tests/test_impute.py: R reads our long-format imputations back with
# mice::as.mids and pools a linear model on them, and mice() imputes the same incomplete data
# (its defaults: pmm for numbers, logreg for two-level factors) for a Monte-Carlo comparison.
# Usage: Rscript impute_reference.R <data.csv> <long.csv> <output directory>
if (!requireNamespace("mice", quietly = TRUE) || !requireNamespace("mitml", quietly = TRUE)) {
  quit(status = 3)  # tells the test that the R packages are absent
}
suppressPackageStartupMessages(library(mice))
args <- commandArgs(trailingOnly = TRUE)
as_factors <- function(d) {
  transform(d, sex = factor(sex, levels = c("female", "male")), z = factor(z, levels = c(0, 1)))
}
data <- as_factors(read.csv(args[1]))
long <- as_factors(read.csv(args[2], check.names = FALSE))

ours <- as.mids(long)
pooled_ours <- pool(with(ours, lm(y ~ x + z + sex)))$pooled

imputed <- mice(data, m = 20, maxit = 5, seed = 20250304, printFlag = FALSE)
pooled_mice <- pool(with(imputed, lm(y ~ x + z + sex)))$pooled

write.csv(
  data.frame(
    term = as.character(pooled_ours$term),
    ours_estimate = pooled_ours$estimate, ours_t = pooled_ours$t, ours_df = pooled_ours$df,
    mice_estimate = pooled_mice$estimate, mice_b = pooled_mice$b,
    n_imputations = ours$m, n_rows = nrow(ours$data)
  ),
  file.path(args[3], "impute_reference.csv"), row.names = FALSE
)

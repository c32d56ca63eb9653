# Reference numbers for tests/test_pool.py from R's mice: pool(), D1() and D3() of logistic models
# fitted to imputed data sets that the test wrote in long format (.imp = 1..m).
# Usage: Rscript pool_reference.R <long.csv> <output directory>
if (!requireNamespace("mice", quietly = TRUE) || !requireNamespace("mitml", quietly = TRUE)) {
  quit(status = 3)  # tells the test that the R packages are absent
}
suppressPackageStartupMessages(library(mice))
args <- commandArgs(trailingOnly = TRUE)
long <- read.csv(args[1], check.names = FALSE)
sets <- split(long, long$.imp)
control <- glm.control(epsilon = 1e-14, maxit = 100)
fit_each <- function(formula) {
  as.mira(lapply(sets, function(d) glm(formula, family = binomial, data = d, control = control)))
}
full <- fit_each(y ~ a + b + ab + x)
reduced <- fit_each(y ~ x)

pooled <- pool(full)
tests <- summary(pooled)
write.csv(
  data.frame(
    term = as.character(pooled$pooled$term), estimate = pooled$pooled$estimate,
    std_error = tests$std.error, df = pooled$pooled$df, statistic = tests$statistic,
    p_value = tests$p.value, riv = pooled$pooled$riv, lambda = pooled$pooled$lambda,
    fmi = pooled$pooled$fmi, ubar = pooled$pooled$ubar, b = pooled$pooled$b,
    t = pooled$pooled$t, dfcom = pooled$pooled$dfcom
  ),
  file.path(args[2], "pooled.csv"), row.names = FALSE
)

# Meng & Rubin (1992) D3 with the log-likelihood at the pooled coefficients themselves (mice's
# D3 instead refits an intercept shift, see fix.coef): deviances at own and at pooled estimates.
deviances <- function(fits) {
  qbar <- rowMeans(sapply(fits$analyses, coef))
  at_pooled <- sapply(fits$analyses, function(f) {
    -2 * sum(dbinom(f$y, 1, plogis(model.matrix(f) %*% qbar), log = TRUE))
  })
  list(own = sapply(fits$analyses, deviance), pooled = at_pooled)
}
dev_full <- deviances(full)
dev_reduced <- deviances(reduced)
m <- length(sets)
k <- 3
mean_own <- mean(dev_reduced$own - dev_full$own)
mean_pooled <- mean(dev_reduced$pooled - dev_full$pooled)
r <- (m + 1) / (k * (m - 1)) * (mean_own - mean_pooled)
statistic <- mean_pooled / (k * (1 + r))
t <- k * (m - 1)
df2 <- 4 + (t - 4) * (1 + (1 - 2 / t) / r)^2
meng_rubin <- c(statistic, k, df2, pf(statistic, k, df2, lower.tail = FALSE), r)

results <- rbind(D1(full, reduced)$result, D3(full, reduced)$result, meng_rubin)
write.csv(
  data.frame(
    test = c("D1", "D3", "D3_meng_rubin"),
    statistic = results[, 1], df1 = results[, 2], df2 = results[, 3],
    p_value = results[, 4], riv = results[, 5]
  ),
  file.path(args[2], "tests.csv"), row.names = FALSE
)

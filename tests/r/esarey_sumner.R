# Reference for interplay.interaction.slopes.esarey_sumner_critical: the false-discovery-rate
# critical t of a marginal-effects plot as Esarey & Sumner's R package interactionTest computes
# it (function fdrInteraction, type "BH", version 1.2 on CRAN; Esarey & Sumner 2018, Comparative
# Political Studies 51(9): 1144-1176), restated here because the package is not installed.
# Their rule: two-sided p-values of est/se on t(df); walking k down from n, stop at the first k
# whose k smallest p-values are all <= k * alpha / n (k = 1 if none); critical t = |qt(k alpha/(2n), df)|.
# Usage: Rscript esarey_sumner.R <input.csv with columns estimate, std_error> <df> <level>
arguments <- commandArgs(trailingOnly = TRUE)
slopes <- read.csv(arguments[1])
df <- as.numeric(arguments[2])
level <- as.numeric(arguments[3])

fdr_critical_t <- function(estimate, std_error, df, level) {
  alpha <- 1 - level
  n <- length(estimate)
  t_values <- estimate / std_error
  p_values <- 2 * pmin(pt(t_values, df = df), 1 - pt(t_values, df = df))
  sorted <- sort(p_values)
  k <- n
  while (k > 1 && !all(sorted[seq_len(k)] <= (k / n) * alpha)) k <- k - 1
  abs(qt((k / n) * alpha / 2, df))
}

cat(sprintf("%.15g\n", fdr_critical_t(slopes$estimate, slopes$std_error, df, level)))

"""Multiple imputation by chained equations, one data set at a time and batched."""

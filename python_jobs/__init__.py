"""Jobs on the Customer 360 lakehouse: sample data, churn model training and scoring."""

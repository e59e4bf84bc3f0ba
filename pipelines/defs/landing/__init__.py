"""Landing: branch packages in the inbox -> validated, typed Parquet in the lake."""

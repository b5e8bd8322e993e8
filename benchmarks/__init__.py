"""samplingstats benchmarks: our method vs the named peer, same data, same process."""

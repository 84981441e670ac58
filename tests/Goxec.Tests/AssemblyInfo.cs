// The integration tests start real graphs (Redis, the Api, workers) and real containers, and several
// assert time limits. On a 2-core machine running those collections side by side makes wall times
// depend on the neighbours, so collections run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

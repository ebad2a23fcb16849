namespace Xainomaly.Reporting;

/// <summary>Settings of <see cref="Tsne"/> (van der Maaten and Hinton, 2008; defaults as in their reference code).</summary>
public sealed record TsneOptions
{
    /// <summary>Target perplexity of each row's neighbour distribution (lowered to (n − 1) / 3 for small n).</summary>
    public double Perplexity { get; init; } = 30;

    /// <summary>Gradient-descent iterations.</summary>
    public int Iterations { get; init; } = 1000;

    /// <summary>Iterations at the start with the affinities multiplied by <see cref="Exaggeration"/>.</summary>
    public int ExaggerationIterations { get; init; } = 250;

    /// <summary>Early-exaggeration factor.</summary>
    public double Exaggeration { get; init; } = 12;

    /// <summary>Learning rate; 0 = automatic, max(n / exaggeration / 4, 50) as in Belkina et al. (2019).</summary>
    public double LearningRate { get; init; }

    /// <summary>Seed of the initial layout.</summary>
    public long Seed { get; init; } = 1;
}

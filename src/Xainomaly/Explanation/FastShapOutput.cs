namespace Xainomaly.Explanation;

/// <summary>Which detector output a FastSHAP explainer explains.</summary>
public enum FastShapOutput
{
    /// <summary>The anomaly score (every detector).</summary>
    Score,

    /// <summary>The head's anomaly probability σ(head(z)) (semi-supervised detectors with a head).</summary>
    Probability,
}

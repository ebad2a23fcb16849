namespace Xainomaly.Detection;

/// <summary>
/// How the parts of a semi-supervised network's output become one anomaly score.
/// <list type="bullet">
/// <item><c>paper</c>: γ·RE + (1 − γ)·‖z‖ (the XAInomaly paper's score), γ chosen on validation;</item>
/// <item><c>reconstruction</c>: RE alone (the baselines' score in the paper);</item>
/// <item><c>head</c>: the head's anomaly probability;</item>
/// <item><c>auto</c>: (1 − β)·p + β·RE/s, β chosen on validation (β = 0 is the head alone).</item>
/// </list>
/// RE and ‖z‖ are divided by scales taken from the unlabelled training rows (their 99th percentiles) so that the
/// weights mean the same on every data set.
/// </summary>
/// <param name="Mode">paper, reconstruction, head or auto.</param>
/// <param name="Weight">γ (paper) or β (auto); unused otherwise.</param>
/// <param name="ReconstructionScale">Divisor of RE.</param>
/// <param name="LatentScale">Divisor of ‖z‖.</param>
public sealed record ScoreMix(string Mode, float Weight, float ReconstructionScale, float LatentScale)
{
    /// <summary>The score modes.</summary>
    public static IReadOnlyList<string> Modes { get; } = ["auto", "head", "paper", "reconstruction"];

    /// <summary>The score of one row from its parts.</summary>
    public float Combine(float re, float latentNorm, float headProbability) => Mode switch
    {
        "paper" => Weight * re / ReconstructionScale + (1 - Weight) * latentNorm / LatentScale,
        "reconstruction" => re / ReconstructionScale,
        "head" => headProbability,
        _ => (1 - Weight) * headProbability + Weight * re / ReconstructionScale,
    };

    /// <summary>Weights of (RE, ‖z‖, p) in the score, for input gradients.</summary>
    public (float Re, float Latent, float Head) Coefficients => Mode switch
    {
        "paper" => (Weight / ReconstructionScale, (1 - Weight) / LatentScale, 0f),
        "reconstruction" => (1 / ReconstructionScale, 0f, 0f),
        "head" => (0f, 0f, 1f),
        _ => (Weight / ReconstructionScale, 0f, 1 - Weight),
    };

    /// <summary>The score in words, for reports.</summary>
    public string Describe() => Mode switch
    {
        "paper" => $"paper score γ·RE + (1−γ)·‖z‖ (γ = {Weight:0.##})",
        "reconstruction" => "reconstruction error RE",
        "head" => "head anomaly probability",
        _ => Weight == 0 ? "head anomaly probability (auto: β = 0)" : $"auto: (1−β)·head probability + β·RE (β = {Weight:0.##})",
    };

    /// <summary>Writes the mix.</summary>
    public void Write(BinaryWriter w)
    {
        w.Write(Mode);
        w.Write(Weight);
        w.Write(ReconstructionScale);
        w.Write(LatentScale);
    }

    /// <summary>Reads a mix.</summary>
    public static ScoreMix Read(BinaryReader r)
    {
        var mode = r.ReadString();
        if (!Modes.Contains(mode)) throw new InvalidDataException($"Unknown score mode '{mode}' in the model file.");
        return new ScoreMix(mode, r.ReadSingle(), r.ReadSingle(), r.ReadSingle());
    }
}

using Xainomaly.Detection;
using Xainomaly.Evaluation;

namespace Xainomaly.Adversarial;

/// <summary>What <see cref="RobustnessMatrix"/> runs: detectors × attacks (each with its ε) and the defence.</summary>
public sealed record RobustnessOptions
{
    /// <summary>Detector kinds to train (ignored for kinds given in <see cref="Models"/>).</summary>
    public IReadOnlyList<string> Kinds { get; init; } = [MlpClassifier.KindName, SsDeepCae.KindName];

    /// <summary>Already trained models by kind (the <c>--model-files</c>); their test figures use the same split.</summary>
    public IReadOnlyList<DetectorModel> Models { get; init; } = [];

    /// <summary>The attacks, one per method and ε.</summary>
    public required IReadOnlyList<AttackSettings> Attacks { get; init; }

    /// <summary>Hyper-parameters of every training (clean and adversarial).</summary>
    public TrainerSettings Training { get; init; } = new();

    /// <summary>The detection protocol: test split, label budget, seed.</summary>
    public ExperimentOptions Experiment { get; init; } = new();

    /// <summary>Attack goal on the test split (default: untargeted, every row pushed to the other class, as the paper).</summary>
    public AttackGoal Goal { get; init; } = AttackGoal.Both;

    /// <summary>Source columns the attacker controls (null = the radio measurements).</summary>
    public IReadOnlyList<string>? Features { get; init; }

    /// <summary>Adversarial rows per labelled row in adversarial training.</summary>
    public double Ratio { get; init; } = 1.0;

    /// <summary>Rounds of adversarial training.</summary>
    public int Rounds { get; init; } = 3;

    /// <summary>Run adversarial training (false = clean and under-attack figures only).</summary>
    public bool Harden { get; init; } = true;

    /// <summary>Attacked test rows explained for the SHAP ranking (0 = no SHAP ranking).</summary>
    public int ShapRows { get; init; } = 40;

    /// <summary>Background rows of the value function.</summary>
    public int ShapBackground { get; init; } = 20;

    /// <summary>Antithetic permutations per explained row.</summary>
    public int ShapPermutations { get; init; } = 4;
}

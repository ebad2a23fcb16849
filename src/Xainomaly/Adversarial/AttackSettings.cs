using System.Globalization;
using System.Text.Json.Nodes;

using Xainomaly.Detection;

namespace Xainomaly.Adversarial;

/// <summary>
/// An attack as a user names it (method and budgets), turned into an attack object for any detector and mask.
/// ε is in scaled units; for JSMA it is the step θ unless <see cref="Theta"/> is given.
/// </summary>
public sealed record AttackSettings
{
    /// <summary>The methods.</summary>
    public static IReadOnlyList<string> Methods { get; } = ["fgsm", "pgd", "jsma"];

    /// <summary>fgsm, pgd or jsma.</summary>
    public required string Method { get; init; }

    /// <summary>ε in scaled units: the FGSM step, the PGD ball radius, the JSMA θ when <see cref="Theta"/> is null.</summary>
    public required double Epsilon { get; init; }

    /// <summary>PGD iterations.</summary>
    public int Steps { get; init; } = 20;

    /// <summary>PGD step α (null = ε/4).</summary>
    public double? StepSize { get; init; }

    /// <summary>JSMA θ (null = ε).</summary>
    public double? Theta { get; init; }

    /// <summary>JSMA γ.</summary>
    public double Gamma { get; init; } = 0.5;

    /// <summary>Targeted FGSM (step against the target class's loss).</summary>
    public bool Targeted { get; init; }

    /// <summary>Seed of PGD's random start.</summary>
    public long Seed { get; init; }

    /// <summary>The attack on <paramref name="detector"/> over <paramref name="mask"/>.</summary>
    /// <exception cref="ArgumentException">Unknown method.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A budget is not positive.</exception>
    /// <exception cref="NotSupportedException">The detector has no input gradient.</exception>
    public IAdversarialAttack Create(IAnomalyDetector detector, FeatureMask mask) => Method switch
    {
        "fgsm" => new Fgsm(detector, mask, new FgsmOptions(Epsilon, Targeted)),
        "pgd" => new Pgd(detector, mask, new PgdOptions(Epsilon, StepSize, Steps, Seed: Seed)),
        "jsma" => new Jsma(detector, mask, new JsmaOptions(Theta ?? Epsilon, Gamma)),
        _ => throw new ArgumentException($"Unknown attack '{Method}'; expected one of {string.Join(", ", Methods)}.", nameof(Method)),
    };

    /// <summary>Checks the settings without a detector (for early, clear errors).</summary>
    public void Validate()
    {
        if (!Methods.Contains(Method)) throw new ArgumentException($"Unknown attack '{Method}'; expected one of {string.Join(", ", Methods)}.", "--method");
        if (!(Epsilon > 0) || !double.IsFinite(Epsilon)) throw new ArgumentOutOfRangeException("--epsilon", Epsilon, $"--epsilon {Epsilon.ToString(CultureInfo.InvariantCulture)}: expected a positive number in scaled units (e.g. 0.05 = 5 % of each feature's training range).");
        if (StepSize is { } a && !(a > 0)) throw new ArgumentOutOfRangeException("--step-size", a, $"--step-size {a.ToString(CultureInfo.InvariantCulture)}: expected a positive number.");
        if (Steps < 1) throw new ArgumentOutOfRangeException("--steps", Steps, $"--steps {Steps}: expected at least 1.");
        if (Theta is { } t && !(t > 0)) throw new ArgumentOutOfRangeException("--theta", t, $"--theta {t.ToString(CultureInfo.InvariantCulture)}: expected a positive number.");
        if (!(Gamma > 0 && Gamma <= 1)) throw new ArgumentOutOfRangeException("--gamma", Gamma, $"--gamma {Gamma.ToString(CultureInfo.InvariantCulture)}: expected a share in (0, 1].");
    }

    /// <summary>As JSON, for reports and model files.</summary>
    public JsonObject ToJson()
    {
        var o = new JsonObject { ["method"] = Method, ["epsilon"] = Epsilon };
        switch (Method)
        {
            case "fgsm":
                o["targeted"] = Targeted;
                break;
            case "pgd":
                o["steps"] = Steps;
                o["stepSize"] = StepSize ?? Epsilon / 4;
                o["randomStart"] = true;
                o["seed"] = Seed;
                break;
            case "jsma":
                o["theta"] = Theta ?? Epsilon;
                o["gamma"] = Gamma;
                break;
        }
        return o;
    }
}

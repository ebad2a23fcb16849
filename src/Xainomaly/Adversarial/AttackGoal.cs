namespace Xainomaly.Adversarial;

/// <summary>What the attacker wants the detector to get wrong.</summary>
public enum AttackGoal
{
    /// <summary>Anomalies scored normal (the dangerous direction for an operator): only rows labelled 1 are attacked.</summary>
    Evade,

    /// <summary>False alarms: normal rows scored anomalous; only rows labelled 0 are attacked.</summary>
    Alarm,

    /// <summary>Untargeted: every labelled row is pushed towards the other class (the SON paper's accuracy-drop setting).</summary>
    Both,
}

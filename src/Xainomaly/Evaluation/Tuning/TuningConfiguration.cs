using System.Globalization;

using Xainomaly.Detection;

namespace Xainomaly.Evaluation.Tuning;

/// <summary>
/// One point of a <see cref="ParameterSpace"/>: a value per searched parameter (ints, doubles or names). Parameters
/// not set keep the base settings (the kind's paper defaults).
/// </summary>
public sealed class TuningConfiguration
{
    private readonly KeyValuePair<string, object>[] _values;

    /// <summary>Creates a configuration from (parameter, value) pairs in the space's order.</summary>
    public TuningConfiguration(IEnumerable<KeyValuePair<string, object>> values, string? label = null)
    {
        _values = [.. values];
        Label = label;
    }

    /// <summary>The parameter values in the space's order.</summary>
    public IReadOnlyList<KeyValuePair<string, object>> Values => _values;

    /// <summary>An optional name (e.g. "CAE3", "paper defaults").</summary>
    public string? Label { get; }

    /// <summary>Canonical text of the values, e.g. <c>layers=2 widthFactor=3 loss=mse</c>; the cache key's core.</summary>
    public string Key => _values.Length == 0 ? "(defaults)" : string.Join(' ', _values.Select(v => $"{v.Key}={Format(v.Value)}"));

    /// <summary>The value of <paramref name="name"/>, or null when the configuration does not set it.</summary>
    public object? Get(string name)
    {
        foreach (var v in _values) if (v.Key == name) return v.Value;
        return null;
    }

    /// <summary>
    /// The trainer settings of this configuration on top of <paramref name="baseSettings"/>; <paramref name="maxSteps"/>
    /// caps the optimiser steps (the kind's default when the configuration sets none).
    /// </summary>
    public TrainerSettings ToSettings(TrainerSettings baseSettings, int? maxSteps)
    {
        var s = baseSettings;
        foreach (var (name, value) in _values)
        {
            s = name switch
            {
                "layers" => s with { HiddenLayers = (int)value },
                "widthFactor" => s with { WidthFactor = (double)value },
                "hiddenWidth" => s with { HiddenWidth = (int)value },
                "learningRate" => s with { LearningRate = (float)(double)value },
                "batchSize" => s with { BatchSize = (int)value },
                "labelledPerBatch" => s with { LabelledPerBatch = (int)value },
                "loss" => s with { ReconstructionLoss = (string)value },
                "optimizer" => s with { Optimizer = (string)value },
                "steps" => s with { Steps = (int)value },
                "lambdaC" => s with { ContractiveWeight = (float)(double)value },
                "lambda" => s with { LabelWeight = (float)(double)value },
                _ => throw new ArgumentException($"Unknown tuning parameter '{name}'."),
            };
        }
        if (maxSteps is { } cap)
        {
            int steps = s.Steps ?? SsDeepCae.DefaultSteps;
            if (steps > cap) s = s with { Steps = cap };
        }
        return s;
    }

    /// <summary>Invariant text of a parameter value.</summary>
    public static string Format(object value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <inheritdoc />
    public override string ToString() => Label is null ? Key : $"{Label}: {Key}";
}

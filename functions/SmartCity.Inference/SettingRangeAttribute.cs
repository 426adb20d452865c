using System.ComponentModel.DataAnnotations;

namespace SmartCity.Inference;

/// <summary>
/// <see cref="RangeAttribute"/> for settings, whose <c>ErrorMessage</c> names the setting key.
/// The options validation source generator replaces <see cref="RangeAttribute"/> by a copy of
/// its own that ignores <c>ErrorMessage</c> ("The field CameraPipelineOptions.TopLabels must be
/// ..."); a derived attribute is used as it is, so the message a misconfigured app stops with
/// names the key to fix.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class SettingRangeAttribute : RangeAttribute
{
    public SettingRangeAttribute(int minimum, int maximum)
        : base(minimum, maximum)
    {
    }

    public SettingRangeAttribute(double minimum, double maximum)
        : base(minimum, maximum)
    {
    }
}

{{/* Parsed after the subcharts' templates, so this definition wins everywhere. */}}
{{- define "shared.name" -}}
umbrella-wins
{{- end -}}

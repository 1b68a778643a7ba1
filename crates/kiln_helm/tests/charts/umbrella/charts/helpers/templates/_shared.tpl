{{- define "shared.name" -}}
helpers-loses
{{- end -}}

//! `values.schema.json` validation (Helm's `ValidateAgainstSchema`).
//!
//! Not implemented yet: every chart validates.

use kiln_gotmpl::Map;

use crate::error::HelmError;
use crate::values::ChartView;

/// Validates the coalesced values against the chart's and subcharts' schemas.
pub fn validate(_view: &ChartView, _vals: &Map) -> Result<(), HelmError> {
    Ok(())
}

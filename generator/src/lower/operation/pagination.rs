//! Pagination, recognised by the shape of an operation's parameters and success type.

use crate::ir::{Location, Operation, Pagination, TypeRef};
use crate::lower::Lowerer;

impl Lowerer<'_> {
    /// Recognises Atlas-style pagination by shape: an integer page-number and page-size query
    /// parameter, and a success type whose fields include a `results` array and, optionally, an integer
    /// `totalCount`.
    pub(super) fn pagination(&self, op: &Operation) -> Option<Pagination> {
        let int_query = |names: &[&str]| {
            op.params.iter().find(|p| {
                p.location == Location::Query
                    && matches!(p.ty, TypeRef::I32 | TypeRef::I64)
                    && names.contains(&p.name.as_str())
            })
        };
        let page = int_query(&["pageNum", "page", "pageNumber"])?;
        let size = int_query(&["itemsPerPage", "pageSize", "perPage"])?;
        let Some(TypeRef::Named(page_type)) = op.success()?.ty.clone() else { return None };
        let schema = self.schemas.iter().find(|s| page_type == s.rust_name)?;
        let fields = schema.fields();
        let results = fields.iter().find(|f| f.name == "results")?;
        let TypeRef::Array(item) = &results.ty else { return None };
        let total = fields
            .iter()
            .find(|f| f.name == "totalCount" && matches!(f.ty, TypeRef::I32 | TypeRef::I64))
            .map(|f| f.name.clone());
        Some(Pagination {
            page_param: page.name.clone(),
            size_param: size.name.clone(),
            max_page_size: size.constraints.maximum.map(|m| m as u64),
            page_type,
            results_field: results.name.clone(),
            total_field: total,
            item_type: (**item).clone(),
        })
    }
}

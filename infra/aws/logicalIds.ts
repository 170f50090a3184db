// CloudFormation's logical ids for what the catalog names: invoices → Invoices (InvoicesTable,
// InvoicesProjectorEventSourceMappingRabbitMQInvoices…), as osls names them too.
export const logicalId = (name: string) => `${name[0]!.toUpperCase()}${name.slice(1)}`;

// CloudFormation's logical ids for what the catalog names: invoices → Invoices (InvoicesTable,
// InvoicesProjectorEventSourceMappingRabbitMQInvoices…), directory.1 → Directory1, as osls names
// them too (letters and digits only).
export const logicalId = (name: string) => {
  const alphanumeric = name.replace(/[^0-9A-Za-z]/g, '');
  return `${alphanumeric[0]!.toUpperCase()}${alphanumeric.slice(1)}`;
};
